// Marks runs whose processes all died without closing them as `interrupted`, so that they can be resumed.
import { listRuns } from '../protocol/journal-files';
import { appendToRunJournal, writeSummaryAtomically } from './journal-writer';
import { runDirectory } from './run-paths';
import { isAlive, joinedWorkers, workerAlive } from './run-liveness';

/** Marks every run still `running` whose processes are all gone as `interrupted`; returns their ids. */
export async function markInterruptedRuns(runsDir: string): Promise<string[]> {
  const marked: string[] = [];
  for (const summary of await listRuns(runsDir)) {
    if (summary.status !== 'running' || isAlive(summary.pid)) continue;
    const joined = await joinedWorkers(runDirectory(runsDir, summary.runId));
    if ((await Promise.all(joined.map(workerAlive))).some(Boolean)) continue;
    const directory = runDirectory(runsDir, summary.runId);
    const at = new Date().toISOString();
    await appendToRunJournal(directory, [{ t: 'interrupted', reason: 'the executor stopped without closing the run' }]);
    await writeSummaryAtomically(directory, { ...summary, status: 'interrupted', endedAt: at });
    marked.push(summary.runId);
  }
  return marked;
}
