// Where runs are kept: the RunStore interface the engine and the CLI work through (a runs folder, or a PostgreSQL database).
import type { JournalRecord, JournalRecordType, NewJournalRecord, RunSummary } from '../protocol/journal-records';
import type { Journal } from './journal-writer';
import type { Redactor } from './redaction';
import type { ClaimOptions, LiveOwner, OwnerRole, OwnershipLostError } from './run-ownership';

/** The event log of the process that started (or resumed, or retried) a run. */
export const MAIN_LOG = 'main';

/** A process's hold on a run, from claim to release; `signal` aborts (with an OwnershipLostError) once another process may have it. */
export interface RunClaim {
  readonly signal: AbortSignal;
  onLost(react: (error: OwnershipLostError) => void): void;
  release(): Promise<void>;
}

/**
 * One run in a store: its summary, its event logs (one per process: `main`, then one per joined
 * worker, each written by that process alone), and who holds it. Parked messages' payloads and
 * service replies are records of the logs, read back streamed.
 */
export interface StoredRun {
  readonly runId: string;
  /** Where the run is, for people: its directory, or the database and the run id (no password). */
  readonly location: string;
  /** Makes room for a new run (a folder's directory; nothing in a database). */
  create(): Promise<void>;
  exists(): Promise<boolean>;
  /** JournalError when there is no such run. */
  readSummary(): Promise<RunSummary>;
  /** Replaces the summary at once: a reader sees the previous one or this one, never half of either. */
  writeSummary(summary: RunSummary): Promise<void>;
  /** The event logs: `main` first, then the joined processes' in name order. */
  logs(): Promise<string[]>;
  /** The records of the given types of one event log in write order, read as the caller asks (stopping early frees what reads them). */
  records<T extends JournalRecordType>(log: string, types: readonly T[]): AsyncGenerator<Extract<JournalRecord, { t: T }>>;
  /** Whether the log's last record was cut short by a crash (a file's torn line; never so in a database). */
  tornTail(log: string): Promise<boolean>;
  /** Opens `log` for this process to append to: each `flush` of the Journal is one durable batch. */
  openJournal(log: string, redactor: Redactor): Promise<Journal>;
  /** Appends to a log whose writer has ended or died (closing a shared run, marking it interrupted): one durable batch. */
  append(log: string, records: readonly NewJournalRecord[]): Promise<void>;
  /** Takes the hold of `role` (RunBusyError while another process holds the run, see RunOwnership.claim). */
  claim(role: OwnerRole, options: ClaimOptions): Promise<RunClaim>;
  /** The holds that are taken now: by a live process, as the store knows it (a lock's heartbeat, a database session). */
  liveOwners(): Promise<LiveOwner[]>;
  liveOwner(role: OwnerRole): Promise<LiveOwner | undefined>;
  /** Runs `use` while no process changes who holds the run (short; waited for). */
  whileOwnersSettled<T>(signal: AbortSignal, use: () => Promise<T>): Promise<T>;
  /** Runs `use` holding the run's summary lock: the processes of a shared run close it one after the other. */
  withRunLock<T>(use: () => Promise<T>): Promise<T>;
}

/** The runs of a folder or a database; chosen once at startup (executor/run-stores.ts), the engine does not know which. */
export interface RunStore {
  /** Where the runs are, for people. */
  readonly location: string;
  /** InvalidRunIdError for anything but a run id. */
  run(runId: string): StoredRun;
  /** Every run, by run id. */
  listRuns(): Promise<RunSummary[]>;
  close(): Promise<void>;
}

/** Calls `use` with each record of the given types of every event log of a run (and its log), streaming. */
export async function eachRunRecord<T extends JournalRecordType>(run: StoredRun, types: readonly T[], use: (record: Extract<JournalRecord, { t: T }>, log: string) => void): Promise<void> {
  for (const log of await run.logs()) for await (const r of run.records(log, types)) use(r, log);
}

/** Only the records of the given types of every event log, in memory (small runs: tests). */
export async function runRecords<T extends JournalRecordType>(run: StoredRun, types: readonly T[]): Promise<Extract<JournalRecord, { t: T }>[]> {
  const out: Extract<JournalRecord, { t: T }>[] = [];
  await eachRunRecord(run, types, (r) => out.push(r));
  return out;
}
