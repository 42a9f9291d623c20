// The Runs view's data read from the runs folder: each run's summary.json and event logs, folded by the shared run listing (protocol/run-listing.ts).
import { join } from 'node:path';
import { eachJournalRecord, listRuns } from '../../protocol/journal-files';
import { runListings, type ComponentRun, type ListedRuns, type RunListing } from '../../protocol/run-listing';

export type { ComponentRun };
/** One run as the Runs view, CodeLens and the run commands know it (from the folder or the run store). */
export type RunRecord = RunListing;

/** A runs folder as the listing reads it: a directory per run, every process's event log in it. */
function folderRuns(runsDir: string): ListedRuns {
  return {
    summaries: () => listRuns(runsDir),
    location: (runId) => join(runsDir, runId),
    eachRecord: (runId, types, use) => eachJournalRecord(join(runsDir, runId), types, use),
  };
}

/** Every readable run under `runsDir`, newest first (run ids sort by time). */
export function readRunHistory(runsDir: string): Promise<RunRecord[]> {
  return runListings(folderRuns(runsDir));
}

/** The components of a run that hold parked messages or failed: what Retry All Failed retries. */
export function failedComponents(run: RunRecord): string[] {
  return run.components.filter((c) => c.status === 'failed' || c.parked > 0).map((c) => c.name);
}

/** The latest status of each component of a flow across history (for CodeLens). */
export function lastStatuses(runs: readonly RunRecord[], flowFile: string): Map<string, { status: string; runId: string }> {
  const out = new Map<string, { status: string; runId: string }>();
  for (const run of runs) {
    if (run.flowFile !== flowFile) continue;
    for (const c of run.components) if (!out.has(c.name)) out.set(c.name, { status: c.status, runId: run.runId });
  }
  return out;
}
