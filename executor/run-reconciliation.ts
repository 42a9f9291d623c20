// Reconciliation of a shared run's connections across the event logs of all its processes.
import type { ConnectionReconciliation } from '../protocol/executor-events';
import { eachFileRecord, journalFiles } from '../protocol/journal-files';

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
export async function sharedReconciliation(directory: string, connections: Iterable<string>): Promise<ConnectionReconciliation[]> {
  const counts = new Map<string, Record<Outcome, number>>([...connections].map((c) => [c, { delivered: 0, parked: 0, filtered: 0 }]));
  const parkedCommitted = new Set<string>();
  const doubtful = new Map<string, { connection: string; outcome: Outcome }>();
  /** Sent and not settled in the event log that sent it (the window when a process died or stopped). */
  const unsettled = new Map<string, string>();
  const files = await journalFiles(directory);
  const present: string[] = [];
  for (const file of files) {
    const open = new Map<string, { connection: string; outcome: Outcome }>();
    const sent = new Map<string, string>();
    try {
      await eachFileRecord(file, ['in-flight', 'delivered', 'parked', 'filtered', 'committed'], (r) => {
        if (!counts.has(r.connection)) return;
        const key = `${r.connection}\u0000${r.source}`;
        if (r.t === 'in-flight') {
          sent.set(key, r.connection);
          return;
        }
        if (r.t !== 'committed') {
          sent.delete(key);
          open.set(key, { connection: r.connection, outcome: r.t });
          return;
        }
        const settled = open.get(key);
        if (!settled) return;
        open.delete(key);
        const tally = counts.get(r.connection)!;
        if (settled.outcome === 'delivered' && parkedCommitted.delete(key)) tally.parked--;
        else if (settled.outcome === 'parked') parkedCommitted.add(key);
        tally[settled.outcome]++;
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    present.push(file);
    for (const [key, value] of open) if (!doubtful.has(key)) doubtful.set(key, value);
    for (const [key, connection] of sent) unsettled.set(key, connection);
  }
  if (doubtful.size > 0 || unsettled.size > 0) {
    for (const file of present) {
      await eachFileRecord(file, ['delivered', 'parked', 'filtered', 'committed'], (r) => {
        const key = `${r.connection}\u0000${r.source}`;
        if (r.t === 'committed') doubtful.delete(key);
        else unsettled.delete(key);
      });
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
