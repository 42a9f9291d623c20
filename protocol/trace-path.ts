// A message's path through one run, read from its journal records: the components and connections it crossed and how long each hop took.
import type { ConnectionRef } from './executor-events';
import { legacyConnectionEnds, type JournalRecord } from './journal-records';
import type { TracePath } from './webview-messages';

/** The records a trace reads: run-start names the connections, the others are one hop's steps. */
export const TRACE_RECORDS = ['run-start', 'in-flight', 'delivered', 'filtered', 'parked', 'reply'] as const;
export type TraceRecord = Extract<JournalRecord, { t: (typeof TRACE_RECORDS)[number] }>;

/**
 * The path of the message whose trace id (or key: its first trace id) is `wanted`, or undefined when
 * the run has none. A hop's duration is from its in-flight record to its delivered or parked record;
 * a hop without an in-flight record (a dry run) has none. Connections are known by run-start's
 * list; a run recorded before it had one gives components only (read from the labels).
 */
export function tracePathOf(records: Iterable<TraceRecord>, wanted: string): TracePath | undefined {
  const refs = new Map<string, ConnectionRef>();
  const hops: Exclude<TraceRecord, { t: 'run-start' }>[] = [];
  let traceId: string | undefined;
  for (const r of records) {
    if (r.t === 'run-start') {
      for (const c of r.connections ?? []) refs.set(c.connection, c);
      continue;
    }
    traceId ??= r.traceId === wanted || r.key === wanted ? r.traceId : undefined;
    if (r.traceId === traceId) hops.push(r);
  }
  if (traceId === undefined) return undefined;
  const components = new Set<string>();
  const connections = new Set<number>();
  const started = new Map<number, number>();
  const durations: Record<number, number> = {};
  for (const hop of hops) {
    if (hop.t === 'reply') {
      components.add(hop.component);
      continue;
    }
    const ref = refs.get(hop.connection);
    if (!ref) {
      // A run recorded before run-start listed its connections: the label names the ends.
      const ends = legacyConnectionEnds(hop.connection);
      if (ends) components.add(ends.from);
      if (ends && hop.t === 'delivered') components.add(ends.to);
      continue;
    }
    components.add(ref.from);
    connections.add(ref.connectionIndex);
    const at = Date.parse(hop.at);
    if (hop.t === 'in-flight') {
      if (!started.has(ref.connectionIndex)) started.set(ref.connectionIndex, at);
    } else if (hop.t !== 'filtered') {
      if (hop.t === 'delivered') components.add(ref.to);
      const start = started.get(ref.connectionIndex);
      if (start !== undefined && durations[ref.connectionIndex] === undefined) durations[ref.connectionIndex] = Math.max(0, at - start);
    }
  }
  return { traceId, components: [...components], connections: [...connections].sort((a, b) => a - b), durations };
}
