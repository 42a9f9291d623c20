// Reconciliation of a shared run's connections across the event logs of all its processes.
import type { ConnectionReconciliation } from '../protocol/executor-events';
import { eachFileRecord, journalFiles } from '../protocol/journal-files';

type Outcome = 'delivered' | 'parked' | 'filtered';

/**
 * Counts, per shared connection, each source position once across every process's event log:
 * settled (delivered, parked or filtered) and committed by the process that read it. A position a
 * process settled without journaling its commit (killed, or its partition moved in a rebalance)
 * counts once too, unless another process committed it: then it is that one's. A parked message
 * delivered later by `retry` moves from parked to delivered. `read` must equal the number of
 * messages the share fixed when the run started (`expected`), or the connection is unbalanced.
 */
export async function sharedReconciliation(directory: string, expected: ReadonlyMap<string, number>): Promise<ConnectionReconciliation[]> {
  const counts = new Map<string, Record<Outcome, number>>([...expected.keys()].map((c) => [c, { delivered: 0, parked: 0, filtered: 0 }]));
  const parkedCommitted = new Set<string>();
  const doubtful = new Map<string, { connection: string; outcome: Outcome }>();
  const files = await journalFiles(directory);
  const present: string[] = [];
  for (const file of files) {
    const open = new Map<string, { connection: string; outcome: Outcome }>();
    try {
      await eachFileRecord(file, ['delivered', 'parked', 'filtered', 'committed'], (r) => {
        if (!counts.has(r.connection)) return;
        const key = `${r.connection}\u0000${r.source}`;
        if (r.t !== 'committed') {
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
  }
  if (doubtful.size > 0) {
    for (const file of present) {
      await eachFileRecord(file, ['committed'], (r) => {
        doubtful.delete(`${r.connection}\u0000${r.source}`);
      });
    }
    for (const { connection, outcome } of doubtful.values()) counts.get(connection)![outcome]++;
  }
  return [...counts].map(([connection, c]) => {
    const read = c.delivered + c.parked + c.filtered;
    return { connection, read, ...c, balanced: read === expected.get(connection) };
  });
}
