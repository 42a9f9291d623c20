// Reconciliation from the event logs: a shared run's connections across its processes, a resumed run's totals across its segments.
import type { ConnectionReconciliation } from '../protocol/executor-events';
import type { JournalRecord } from '../protocol/journal-records';
import { MAIN_LOG, type StoredRun } from './run-store';

type Outcome = 'delivered' | 'parked' | 'filtered';

/**
 * Counts, per shared connection, each source position once across every process's event log:
 * settled (delivered, parked or filtered) and committed by the process that read it. A position a
 * process settled without journaling its commit (killed, or its partition moved in a rebalance)
 * counts once too, unless another process committed it: then it is that one's. A parked message
 * delivered later by `retry` moves from parked to delivered. `read` also counts, once, each
 * position some process sent (in flight) that no process settled: a killed process's message
 * nobody delivered makes the connection unbalanced. There is no count fixed at the start to
 * compare with: transaction markers, aborted and compacted records take offsets and are no messages.
 */
export async function sharedReconciliation(run: StoredRun, connections: Iterable<string>): Promise<ConnectionReconciliation[]> {
  const counts = new Map<string, Record<Outcome, number>>([...connections].map((c) => [c, { delivered: 0, parked: 0, filtered: 0 }]));
  const parkedCommitted = new Set<string>();
  const doubtful = new Map<string, { connection: string; outcome: Outcome }>();
  /** Sent and not settled in the event log that sent it (the window when a process died or stopped). */
  const unsettled = new Map<string, string>();
  const present: string[] = [];
  for (const log of await run.logs()) {
    const open = new Map<string, { connection: string; outcome: Outcome }>();
    const sent = new Map<string, string>();
    try {
      for await (const r of run.records(log, ['in-flight', 'delivered', 'parked', 'filtered', 'committed'])) {
        if (!counts.has(r.connection)) continue;
        const key = `${r.connection}\u0000${r.source}`;
        if (r.t === 'in-flight') {
          sent.set(key, r.connection);
          continue;
        }
        if (r.t !== 'committed') {
          sent.delete(key);
          open.set(key, { connection: r.connection, outcome: r.t });
          continue;
        }
        const settled = open.get(key);
        if (!settled) continue;
        open.delete(key);
        const tally = counts.get(r.connection)!;
        if (settled.outcome === 'delivered' && parkedCommitted.delete(key)) tally.parked--;
        else if (settled.outcome === 'parked') parkedCommitted.add(key);
        tally[settled.outcome]++;
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    present.push(log);
    for (const [key, value] of open) if (!doubtful.has(key)) doubtful.set(key, value);
    for (const [key, connection] of sent) unsettled.set(key, connection);
  }
  if (doubtful.size > 0 || unsettled.size > 0) {
    for (const log of present) {
      for await (const r of run.records(log, ['delivered', 'parked', 'filtered', 'committed'])) {
        const key = `${r.connection}\u0000${r.source}`;
        if (r.t === 'committed') doubtful.delete(key);
        else unsettled.delete(key);
      }
    }
    for (const { connection, outcome } of doubtful.values()) counts.get(connection)![outcome]++;
  }
  const lost = new Map<string, number>();
  for (const connection of unsettled.values()) lost.set(connection, (lost.get(connection) ?? 0) + 1);
  return [...counts].map(([connection, c]) => {
    const settled = c.delivered + c.parked + c.filtered;
    return { connection, read: settled + (lost.get(connection) ?? 0), ...c, balanced: !lost.has(connection) };
  });
}

const TOTAL_RECORDS = ['run-start', 'resumed', 'retry-start', 'delivered', 'parked', 'filtered', 'committed', 'connection', 'reconciliation'] as const;

/** A run's totals across its segments (a start, then each resume or retry), and how often it was resumed. */
export interface RunTotals {
  readonly reconciliation: ConnectionReconciliation[];
  readonly resumed: number;
}

/**
 * Adds up the segments of a run from the starting process's event log. Each source position
 * counts once, when its settlement (delivered, parked or filtered) is committed: a message a
 * killed or stopped segment sent without committing is read again by the next one and counted
 * there. A position an earlier segment settled without journaling its commit, and that no later
 * segment read again, was committed at the source all the same (killed between the two): it
 * counts once too, except on the `renumbered` connections, whose source gives a redelivered
 * message a new position (AMQP: a delivery tag on a new channel), where it counted under that one.
 * A parked message that `retry` delivered moves from parked to delivered. A dry run commits
 * nothing and reads everything again when resumed: its connections count their last finished
 * segment. `balanced` holds while every segment's own reconciliation of the connection balanced.
 */
export async function runTotals(run: StoredRun, order: readonly string[], renumbered: ReadonlySet<string>): Promise<RunTotals> {
  const counts = new Map<string, Record<Outcome, number>>();
  const tally = (connection: string): Record<Outcome, number> => counts.get(connection) ?? counts.set(connection, { delivered: 0, parked: 0, filtered: 0 }).get(connection)!;
  const unbalanced = new Set<string>();
  const open = new Map<string, { connection: string; outcome: Outcome }>();
  const doubtful = new Map<string, { connection: string; outcome: Outcome }>();
  const parkedCommitted = new Set<string>();
  const count = (connection: string, key: string, settled: Outcome): void => {
    const t = tally(connection);
    if (settled === 'parked') {
      // Parked again by a retry: still the one parked message.
      if (parkedCommitted.has(key)) return;
      parkedCommitted.add(key);
    } else if (parkedCommitted.delete(key)) t.parked--;
    t[settled]++;
  };
  // Dry-run settlements of the current segment, and of each connection's last finished one.
  let drySegment = new Map<string, Record<Outcome, number>>();
  const dryFinished = new Map<string, Record<Outcome, number>>();
  let resumed = 0;
  const fold = (r: Extract<JournalRecord, { t: (typeof TOTAL_RECORDS)[number] }>): void => {
    if (r.t === 'run-start' || r.t === 'resumed' || r.t === 'retry-start') {
      if (r.t === 'resumed') resumed++;
      drySegment = new Map();
      for (const [key, settled] of open) if (!renumbered.has(settled.connection)) doubtful.set(key, settled);
      open.clear();
      return;
    }
    if (r.t === 'reconciliation') {
      for (const c of r.connections) {
        tally(c.connection);
        if (!c.balanced) unbalanced.add(c.connection);
      }
      return;
    }
    if (r.t === 'connection') {
      const dry = drySegment.get(r.connection);
      if (dry) dryFinished.set(r.connection, dry);
      drySegment.delete(r.connection);
      return;
    }
    if (r.t !== 'delivered' && r.t !== 'parked' && r.t !== 'filtered' && r.t !== 'committed') return;
    const key = `${r.connection}\u0000${r.source}`;
    if (r.t === 'filtered' || (r.t === 'delivered' && r.target === 'dry-run')) {
      const dry = drySegment.get(r.connection) ?? drySegment.set(r.connection, { delivered: 0, parked: 0, filtered: 0 }).get(r.connection)!;
      dry[r.t]++;
      return;
    }
    if (r.t !== 'committed') {
      doubtful.delete(key);
      open.set(key, { connection: r.connection, outcome: r.t });
      return;
    }
    const settled = open.get(key);
    if (!settled) return;
    open.delete(key);
    count(r.connection, key, settled.outcome);
  };
  for await (const r of run.records(MAIN_LOG, TOTAL_RECORDS)) fold(r);
  for (const [key, { connection, outcome }] of doubtful) count(connection, key, outcome);
  for (const [connection, dry] of dryFinished) {
    const t = tally(connection);
    for (const outcome of ['delivered', 'parked', 'filtered'] as const) t[outcome] += dry[outcome];
  }
  const rank = (connection: string): number => (order.includes(connection) ? order.indexOf(connection) : order.length);
  const reconciliation = [...counts].sort(([a], [b]) => rank(a) - rank(b)).map(([connection, c]) => {
    const read = c.delivered + c.parked + c.filtered;
    return { connection, read, ...c, balanced: !unbalanced.has(connection) };
  });
  return { reconciliation, resumed };
}
