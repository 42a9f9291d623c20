// Marks runs whose processes all died without closing them as `interrupted`, so that they can be resumed.
import { MAIN_LOG, type RunStore } from './run-store';

/**
 * Marks every run still `running` that no process holds a lock of (its starter's or a joined
 * one's) as `interrupted`; returns their ids. The check and the marking happen under the run's
 * change lock, so a resume claiming the run at the same moment is never marked over.
 */
export async function markInterruptedRuns(store: RunStore, signal: AbortSignal = new AbortController().signal): Promise<string[]> {
  const marked: string[] = [];
  for (const listed of await store.listRuns()) {
    if (listed.status !== 'running') continue;
    const run = store.run(listed.runId);
    if ((await run.liveOwners()).length > 0) continue;
    const done = await run.whileOwnersSettled(signal, async () => {
      const summary = await run.readSummary();
      if (summary.status !== 'running' || (await run.liveOwners()).length > 0) return false;
      await run.append(MAIN_LOG, [{ t: 'interrupted', reason: 'the executor stopped without closing the run' }]);
      await run.writeSummary({ ...summary, status: 'interrupted', endedAt: new Date().toISOString() });
      return true;
    });
    if (done) marked.push(listed.runId);
  }
  return marked;
}
