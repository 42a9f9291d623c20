// `flowtracer runs migrate`: copies the runs of a runs folder into a PostgreSQL run store, each run in one transaction.
import { UsageError } from './cli-arguments';
import { ExitCode, type CommonFlags } from './cli-commands';
import { markInterruptedRuns } from './run-interrupts';
import { FolderRunStore } from './stores/folder-run-store';
import { PostgresRunStore } from './stores/postgres-run-store';

export async function migrateCommand(flags: Omit<CommonFlags, 'store'>): Promise<number> {
  if (!flags.runsStore) throw new UsageError('runs migrate needs --runs-store URL (the database to copy the runs of --runs-dir into)');
  const folder = new FolderRunStore(flags.runsDir);
  const store = await PostgresRunStore.open(flags.runsStore);
  try {
    // A run whose processes are all gone is copied as interrupted, so that it can be resumed from the store.
    await markInterruptedRuns(folder);
    const copied: string[] = [];
    const skipped: string[] = [];
    const running: string[] = [];
    for (const summary of await folder.listRuns()) {
      // A run still held in the folder keeps being written there: copying it now would copy half of it.
      if ((await folder.run(summary.runId).liveOwners()).length > 0) running.push(summary.runId);
      else if (await store.importRun(folder.run(summary.runId))) copied.push(summary.runId);
      else skipped.push(summary.runId);
    }
    if (flags.json) process.stdout.write(`${JSON.stringify({ copied, skipped, running })}\n`);
    else {
      process.stdout.write(`copied ${copied.length} run${copied.length === 1 ? '' : 's'} from ${flags.runsDir} into ${store.location}\n`);
      if (skipped.length > 0) process.stdout.write(`already in the store, left as they are: ${skipped.join(', ')}\n`);
      if (running.length > 0) process.stdout.write(`still running in the folder, not copied (migrate again once they end): ${running.join(', ')}\n`);
    }
    return running.length > 0 ? ExitCode.busy : ExitCode.ok;
  } finally {
    await store.close();
  }
}
