// The runs of a runs folder as the tests see them: its run folders by name (without the `.gitignore` beside them), a run's records, a run as the store gives it.
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { FolderRun } from '../../executor/stores/folder-run-store';
import { readJournalFiles, type JournalContents } from '../../protocol/journal-files';
import { isRunId } from '../../protocol/journal-records';

/** The run ids under `runsDir` in order (none while it does not exist yet). */
export function runIdsIn(runsDir: string): string[] {
  return existsSync(runsDir) ? readdirSync(runsDir).filter(isRunId).sort() : [];
}

/** Every event log of a run folder, one after the other, holding every record (the executor streams them; a test's runs are small). */
export async function readJournal(directory: string): Promise<JournalContents> {
  const files = await readJournalFiles(directory);
  return { records: files.flatMap((f) => f.records), tornTail: files.some((f) => f.tornTail) };
}

/** The run of a runs folder at `directory`, as the folder store gives it. */
export function folderRun(directory: string): FolderRun {
  return new FolderRun(dirname(directory), directory, basename(directory));
}
