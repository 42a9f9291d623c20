// The runs folder as a RunStore (the default): a directory per run, an NDJSON file per event log, file locks with heartbeats.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { endsTorn, fileRecords, journalFiles, listRuns, readSummary } from '../../protocol/journal-files';
import { JOURNAL_FILE, workerJournalFile, workerOfFile, type JournalRecord, type JournalRecordType, type NewJournalRecord, type RunSummary } from '../../protocol/journal-records';
import { appendToRunJournal, createRunDirectory, Journal, writeSummaryAtomically } from '../journal-writer';
import type { Redactor } from '../redaction';
import { DEFAULT_LOCK_TIMING, withRunMutex } from '../run-mutex';
import { liveOwner, liveOwners, RunOwnership, whileOwnersSettled, type ClaimOptions, type LiveOwner, type OwnerRole } from '../run-ownership';
import { runDirectory } from '../run-paths';
import { MAIN_LOG, type RunClaim, type RunStore, type StoredRun } from '../run-store';

/** The event log file of `log` (`main` or a joined worker's id). */
function logFile(log: string): string {
  return log === MAIN_LOG ? JOURNAL_FILE : workerJournalFile(log);
}

export class FolderRun implements StoredRun {
  /** `directory` is the run's, in `runsDir`. */
  constructor(private readonly runsDir: string, readonly location: string, readonly runId: string) {}

  /** The run's directory. */
  get directory(): string {
    return this.location;
  }

  create(): Promise<void> {
    return createRunDirectory(this.runsDir, this.directory);
  }

  exists(): Promise<boolean> {
    return Promise.resolve(existsSync(this.directory));
  }

  readSummary(): Promise<RunSummary> {
    return readSummary(this.directory);
  }

  writeSummary(summary: RunSummary): Promise<void> {
    return writeSummaryAtomically(this.directory, summary);
  }

  async logs(): Promise<string[]> {
    return (await journalFiles(this.directory)).map(workerOfFile);
  }

  async *records<T extends JournalRecordType>(log: string, types: readonly T[]): AsyncGenerator<Extract<JournalRecord, { t: T }>> {
    const file = join(this.directory, logFile(log));
    // A joined process's log that is gone is no records; the starting one's missing is no run (ENOENT).
    if (log !== MAIN_LOG && !existsSync(file)) return;
    yield* fileRecords(file, types);
  }

  async tornTail(log: string): Promise<boolean> {
    return endsTorn(join(this.directory, logFile(log))).catch(() => false);
  }

  openJournal(log: string, redactor: Redactor): Promise<Journal> {
    return Journal.open(this.directory, redactor, logFile(log));
  }

  append(log: string, records: readonly NewJournalRecord[]): Promise<void> {
    return appendToRunJournal(this.directory, records, logFile(log));
  }

  claim(role: OwnerRole, options: ClaimOptions): Promise<RunClaim> {
    return RunOwnership.claim(this.directory, this.runId, role, options);
  }

  liveOwners(): Promise<LiveOwner[]> {
    return liveOwners(this.directory);
  }

  liveOwner(role: OwnerRole): Promise<LiveOwner | undefined> {
    return liveOwner(this.directory, role);
  }

  whileOwnersSettled<T>(signal: AbortSignal, use: () => Promise<T>): Promise<T> {
    return whileOwnersSettled(this.directory, DEFAULT_LOCK_TIMING, signal, use);
  }

  withRunLock<T>(use: () => Promise<T>): Promise<T> {
    // Never aborted: a process ending its part of a shared run finishes writing it.
    return withRunMutex(join(this.directory, 'summary.lock'), DEFAULT_LOCK_TIMING, new AbortController().signal, use);
  }
}

export class FolderRunStore implements RunStore {
  constructor(readonly location: string) {}

  run(runId: string): FolderRun {
    return new FolderRun(this.location, runDirectory(this.location, runId), runId);
  }

  listRuns(): Promise<RunSummary[]> {
    return listRuns(this.location);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

