// Marks runs whose processes all died without closing them as `interrupted`, so that they can be resumed.
import { listRuns, readSummary } from '../protocol/journal-files';
import { appendToRunJournal, writeSummaryAtomically } from './journal-writer';
import { runDirectory } from './run-paths';
import { liveOwners, whileOwnersSettled } from './run-ownership';
import { DEFAULT_LOCK_TIMING } from './run-mutex';

/**
 * Marks every run still `running` that no process holds a lock of (its starter's or a joined
 * one's) as `interrupted`; returns their ids. The check and the marking happen under the run's
 * change lock, so a resume claiming the run at the same moment is never marked over.
 */
export async function markInterruptedRuns(runsDir: string, signal: AbortSignal = new AbortController().signal): Promise<string[]> {
  const marked: string[] = [];
  for (const listed of await listRuns(runsDir)) {
    if (listed.status !== 'running') continue;
    const directory = runDirectory(runsDir, listed.runId);
    if ((await liveOwners(directory)).length > 0) continue;
    const done = await whileOwnersSettled(directory, DEFAULT_LOCK_TIMING, signal, async () => {
      const summary = await readSummary(directory);
      if (summary.status !== 'running' || (await liveOwners(directory)).length > 0) return false;
      await appendToRunJournal(directory, [{ t: 'interrupted', reason: 'the executor stopped without closing the run' }]);
      await writeSummaryAtomically(directory, { ...summary, status: 'interrupted', endedAt: new Date().toISOString() });
      return true;
    });
    if (done) marked.push(listed.runId);
  }
  return marked;
}
