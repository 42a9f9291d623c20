// What the extension's Runs view reads of a run store, through the executor child (the extension loads no database driver): the runs' listings and one run's records.
import type { JournalRecord, JournalRecordType, RunSummary } from '../protocol/journal-records';
import { runListings, type ListedRuns, type RunListing } from '../protocol/run-listing';
import { markInterruptedRuns } from './run-interrupts';
import { eachRunRecord, runRecords, type RunStore } from './run-store';

/** A store as the shared listing reads it (the same fold as the runs folder's). */
function storeRuns(store: RunStore): ListedRuns {
  return {
    summaries: () => store.listRuns(),
    location: (runId) => store.run(runId).location,
    eachRecord: (runId, types, use) => eachRunRecord(store.run(runId), types, use),
  };
}

/** Every run of the store, newest first; runs whose processes all died are marked interrupted first (as `flowtracer runs` does), so that they can be resumed. */
export async function listStoreRuns(store: RunStore, signal?: AbortSignal): Promise<RunListing[]> {
  await markInterruptedRuns(store, signal);
  return runListings(storeRuns(store));
}

/** One run's summary and its records of `types`, every event log in order (JournalError when there is no such run). */
export async function readStoredRun(store: RunStore, runId: string, types: readonly JournalRecordType[]): Promise<{ summary: RunSummary; records: JournalRecord[] }> {
  const run = store.run(runId);
  return { summary: await run.readSummary(), records: await runRecords(run, types) };
}
