// What a run's journal says happened: open parked messages, unfinished connections, replies not yet consumed.
import type { SourceMessage, SourceReader } from './connectors/connector';
import type { ResumeFrom } from './connectors/key-position';
import type { Settled } from './connection-runner';
import type { Journal } from './journal-writer';
import type { JournalRecord } from '../protocol/journal-records';
import { blockedBy, type PlannedConnection, type RunPlan } from './plan';

export type ParkedRecord = Extract<JournalRecord, { t: 'parked' }>;
/** A parked message whose bytes the journal holds (not so under `journal: { payloads: none }`): one retry can deliver. */
export type StoredParked = ParkedRecord & { readonly payload: string; readonly headers: Readonly<Record<string, string>> };

export function isStored(parked: ParkedRecord): parked is StoredParked {
  return parked.payload !== undefined && parked.headers !== undefined;
}

/** Every parked message a retry asked for was journaled without its payload: nothing can be delivered again. */
export class UnstoredParkedError extends Error {
  constructor(runId: string, parked: readonly ParkedRecord[]) {
    super(`run ${runId}: ${parked.length === 1 ? `the parked message ${parked[0]!.key ?? parked[0]!.source} (${parked[0]!.connection}) is` : `the ${parked.length} parked messages are`} not retried: the journal holds no payload for ${parked.length === 1 ? 'it' : 'them'} (the flow's journal.payloads is none); read ${parked.length === 1 ? 'it' : 'them'} again from the source in a new run`);
    this.name = 'UnstoredParkedError';
  }
}

/** Parked messages not delivered since, in the order they were parked (a re-park replaces the earlier one). */
export function openParked(records: readonly JournalRecord[]): ParkedRecord[] {
  const open = new Map<string, ParkedRecord>();
  for (const r of records) {
    if (r.t === 'parked') {
      open.delete(r.id);
      open.set(r.id, r);
    } else if (r.t === 'unparked') open.delete(r.id);
  }
  return [...open.values()];
}

/** The last status the journal gives each connection. */
export function connectionStatuses(records: readonly JournalRecord[]): Map<string, string> {
  const statuses = new Map<string, string>();
  for (const r of records) if (r.t === 'connection') statuses.set(r.connection, r.status);
  return statuses;
}

/** Connections with no final status (killed mid-run) or stopped: a resume runs them again. */
export function unfinishedConnections(plan: RunPlan, records: readonly JournalRecord[]): Set<string> {
  const statuses = connectionStatuses(records);
  return new Set(plan.connections.filter((c) => !statuses.has(c.id) || statuses.get(c.id) === 'stopped').map((c) => c.id));
}

/** Source positions each connection committed, as the journal recorded them. */
export function committedPositions(records: readonly JournalRecord[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const r of records) if (r.t === 'committed') (out.get(r.connection) ?? out.set(r.connection, new Set()).get(r.connection)!).add(r.source);
  return out;
}

/**
 * Per connection, the last source position it committed and how many it committed, in journal
 * order (commits go strictly in read order): where a source read in key order continues. A
 * retry's re-delivery of a parked message commits an earlier position again: it does not count.
 */
export function lastCommittedPositions(records: readonly JournalRecord[]): Map<string, ResumeFrom> {
  const out = new Map<string, ResumeFrom>();
  const parked = new Set<string>();
  let retrying = false;
  for (const r of records) {
    if (r.t === 'retry-start' || r.t === 'resumed' || r.t === 'run-start') retrying = r.t === 'retry-start';
    else if (r.t === 'parked') parked.add(`${r.connection}\u0000${r.source}`);
    else if (r.t === 'committed' && !(retrying && parked.has(`${r.connection}\u0000${r.source}`))) {
      out.set(r.connection, { position: r.source, committed: (out.get(r.connection)?.committed ?? 0) + 1 });
    }
  }
  return out;
}

/** For each fed connection about to run: service replies it had not committed when the run stopped. */
export function uncommittedReplies(plan: RunPlan, records: readonly JournalRecord[], run: ReadonlySet<string>): Map<string, SourceMessage[]> {
  const out = new Map<string, SourceMessage[]>();
  for (const c of plan.connections.filter((p) => run.has(p.id) && p.fedBy.length > 0)) {
    const committed = new Set(records.filter((r) => r.t === 'committed' && r.connection === c.id).map((r) => (r as { source: string }).source));
    const replies = records
      .filter((r): r is Extract<JournalRecord, { t: 'reply' }> => r.t === 'reply' && r.component === c.source.name)
      .filter((r) => !committed.has(`reply:${r.id}`))
      .map((r): SourceMessage => ({ key: r.key, value: Buffer.from(r.payload, 'base64'), headers: r.headers, position: `reply:${r.id}` }));
    out.set(c.id, replies);
  }
  return out;
}

/**
 * What a retry runs: the connections whose parked messages are re-delivered, the connections their
 * replies feed, and the connections that were blocked behind them (which then run in full).
 */
export function retryTargets(plan: RunPlan, records: readonly JournalRecord[], retried: ReadonlySet<string>): Set<string> {
  const statuses = connectionStatuses(records);
  const downstreamOfRetried = blockedBy(plan, retried);
  const run = new Set<string>(retried);
  for (const id of downstreamOfRetried) if (statuses.get(id) === 'blocked' || !statuses.has(id)) run.add(id);
  let grew = true;
  while (grew) {
    grew = false;
    for (const c of plan.connections) {
      if (!run.has(c.id) && c.fedBy.some((f) => run.has(f))) {
        run.add(c.id);
        grew = true;
      }
    }
  }
  return run;
}

/** A source over a connection's parked messages; a delivered one is marked resolved in the journal. */
export function parkedReaderFor(journal: Journal, parked: readonly StoredParked[]): { reader: SourceReader; onSettled: (m: SourceMessage, outcome: Settled) => void } {
  const byPosition = new Map(parked.map((p) => [p.source, p]));
  const reader: SourceReader = {
    async *messages(signal: AbortSignal) {
      for (const p of parked) {
        if (signal.aborted) return;
        yield { key: p.key, value: Buffer.from(p.payload, 'base64'), headers: p.headers, position: p.source };
      }
    },
    commit: () => Promise.resolve(),
    release: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
  const onSettled = (m: SourceMessage, outcome: Settled): void => {
    const record = byPosition.get(m.position);
    if (record && outcome === 'delivered') journal.append({ t: 'unparked', id: record.id, target: 'redelivered' });
  };
  return { reader, onSettled };
}

export type { PlannedConnection };
