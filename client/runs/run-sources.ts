// Where the Runs view, CodeLens and the run commands read runs: the runs folder on disk (the default), or the run store (`flowtracer.runsStore`) through the executor child.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readJournalRecords } from '../../protocol/journal-files';
import { JOURNAL_FILE, JOURNAL_RECORD_TYPES, SUMMARY_FILE, type JournalRecord, type JournalRecordType } from '../../protocol/journal-records';
import type { ExecutorProcess } from '../executor/executor-process';
import { readRunHistory, type RunRecord } from './run-history';

/** What a command reads of a run: its summary (Open Run) or every event log (Open Journal), as a document to show. */
export type RunDocument = 'summary' | 'journal';

export interface RunSource {
  /** Every run, newest first. */
  listRuns(): Promise<RunRecord[]>;
  /** The records of the given types of every event log of a run, in order. */
  records<T extends JournalRecordType>(run: RunRecord, types: readonly T[]): Promise<Extract<JournalRecord, { t: T }>[]>;
  document(run: RunRecord, part: RunDocument): Promise<vscode.TextDocument>;
}

/** The runs folder, read in the extension's process (its watcher refreshes the view). */
class FolderRunSource implements RunSource {
  constructor(private readonly runsDir: string) {}

  listRuns(): Promise<RunRecord[]> {
    return readRunHistory(this.runsDir);
  }

  records<T extends JournalRecordType>(run: RunRecord, types: readonly T[]): Promise<Extract<JournalRecord, { t: T }>[]> {
    return readJournalRecords(run.location, types);
  }

  async document(run: RunRecord, part: RunDocument): Promise<vscode.TextDocument> {
    return vscode.workspace.openTextDocument(vscode.Uri.file(path.join(run.location, part === 'summary' ? SUMMARY_FILE : JOURNAL_FILE)));
  }
}

/** A run store, read by an executor child per read (its database driver stays out of the extension's bundle). */
class StoreRunSource implements RunSource {
  constructor(
    private readonly url: string,
    /** A new executor child for one read. */
    private readonly executor: () => ExecutorProcess,
  ) {}

  listRuns(): Promise<RunRecord[]> {
    return this.executor().ask({ type: 'list-runs', runsStore: this.url }, (e) => (e.type === 'runs-listed' ? [...e.runs] : undefined));
  }

  async records<T extends JournalRecordType>(run: RunRecord, types: readonly T[]): Promise<Extract<JournalRecord, { t: T }>[]> {
    return (await this.read(run, types)).records as Extract<JournalRecord, { t: T }>[];
  }

  /** A document of the run as the store holds it (not a file: nothing of a store run is on this disk). */
  async document(run: RunRecord, part: RunDocument): Promise<vscode.TextDocument> {
    const read = await this.read(run, part === 'summary' ? [] : JOURNAL_RECORD_TYPES);
    const content = part === 'summary' ? `${JSON.stringify(read.summary, null, 2)}\n` : read.records.map((r) => `${JSON.stringify(r)}\n`).join('');
    return vscode.workspace.openTextDocument({ language: part === 'summary' ? 'json' : 'plaintext', content });
  }

  private read(run: RunRecord, types: readonly JournalRecordType[]) {
    return this.executor().ask({ type: 'read-run', runsStore: this.url, runId: run.runId, types }, (e) => (e.type === 'run-read' && e.runId === run.runId ? e : undefined));
  }
}

export interface RunSourceChoice {
  /** The `flowtracer.runsStore` setting (machine scope): empty for the runs folder. */
  readonly runsStore: string;
  readonly runsDir: string | undefined;
  /** Whether the workspace is trusted: in one that is not, nothing connects, so a store is not read. */
  readonly trusted: boolean;
}

/** The store when `flowtracer.runsStore` is set (none in an untrusted workspace), else the workspace's runs folder (none without a folder). */
export function runSourceFor(choice: RunSourceChoice, executor: () => ExecutorProcess): RunSource | undefined {
  if (choice.runsStore) return choice.trusted ? new StoreRunSource(choice.runsStore, executor) : undefined;
  return choice.runsDir ? new FolderRunSource(choice.runsDir) : undefined;
}
