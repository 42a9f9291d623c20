// The run journal's format, shared by the executor (which writes it) and the client (which reads it): file names, records, summary.
import { basename } from 'node:path';
import type { ComponentStatus, ConnectionIdentity, ConnectionReconciliation, ConnectionRef, RunMode, RunStatus } from './executor-events';
import { BATCH_RECORD_TYPES, type BatchRecord } from './journal-batches';

/** The starting process's event log in a run directory. */
export const JOURNAL_FILE = 'journal.ndjson';
export const SUMMARY_FILE = 'summary.json';

/**
 * A run id, and so a run directory's name: `20261129-012233-ab12` (UTC date, time, 4 hex digits).
 * Nothing else becomes part of a path: `../x` or an id read from inside a summary never does.
 */
const RUN_ID_PATTERN = /^\d{8}-\d{6}-[0-9a-f]{4}$/;

export function isRunId(text: string): boolean {
  return RUN_ID_PATTERN.test(text);
}

/** The event log of a process that joined a run (`run --join`): one writer per file. */
export function workerJournalFile(worker: string): string {
  return `journal-${worker}.ndjson`;
}

/** The worker a journal file belongs to: `main` for the process that started the run. */
export function workerOfFile(file: string): string {
  const name = basename(file);
  return name === JOURNAL_FILE ? 'main' : name.replace(/^journal-/, '').replace(/\.ndjson$/, '');
}

interface Stamped {
  readonly at: string;
}

/**
 * A record of an event log. The in-flight, delivered and committed records of many messages are
 * stored as one batch record (protocol/journal-batches.ts); readers get them back one by one.
 */
export type JournalRecord = BatchRecord | (Stamped &
  (
    /** `connections`: the run's connections, whose labels the other records use (absent in journals written before it). */
    | { readonly t: 'run-start'; readonly runId: string; readonly flow: string; readonly flowFile: string; readonly mode: RunMode; readonly only?: string; readonly actor: string; readonly versions: Readonly<Record<string, string>>; readonly connections?: readonly ConnectionRef[] }
    | { readonly t: 'resumed' | 'retry-start'; readonly component?: string; readonly actor?: string }
    /** Written (and flushed) before a message is written to its target: the in-flight window. */
    | { readonly t: 'in-flight'; readonly connection: string; readonly traceId: string; readonly key: string | null; readonly source: string }
    /** Closes an in-flight record: the run was stopped before the message was written (it is read again). */
    | { readonly t: 'unsent'; readonly connection: string; readonly source: string }
    /** `inDoubt`: an earlier attempt failed without an answer (timeout, lost connection): the target may hold the message twice. */
    /** `payload` (base64): only when the flow's `journal.payloads` is `all`. */
    | { readonly t: 'delivered'; readonly connection: string; readonly traceId: string; readonly key: string | null; readonly source: string; readonly target: string; readonly inDoubt?: true; readonly payload?: string }
    | { readonly t: 'committed'; readonly connection: string; readonly source: string }
    | { readonly t: 'filtered'; readonly connection: string; readonly traceId: string; readonly key: string | null; readonly source: string; readonly reason: string }
    /** No `payload` and `headers` when the flow's `journal.payloads` is `none`: such a message cannot be retried. */
    | { readonly t: 'parked'; readonly id: string; readonly connection: string; readonly component: string; readonly traceId: string; readonly key: string | null; readonly source: string; readonly payload?: string; readonly headers?: Readonly<Record<string, string>>; readonly error: string; readonly attempts: number; readonly inDoubt?: true }
    | { readonly t: 'unparked'; readonly id: string; readonly target: string }
    /** A service's reply, the message its downstream connections read. */
    | { readonly t: 'reply'; readonly id: string; readonly component: string; readonly traceId: string; readonly key: string | null; readonly payload: string; readonly headers: Readonly<Record<string, string>> }
    | { readonly t: 'connection'; readonly connection: string; readonly status: 'succeeded' | 'failed' | 'blocked' | 'stopped'; readonly reason?: string }
    | { readonly t: 'component'; readonly component: string; readonly status: ComponentStatus; readonly reason?: string }
    | { readonly t: 'reconciliation'; readonly connections: readonly ConnectionReconciliation[] }
    | { readonly t: 'log'; readonly level: string; readonly message: string }
    | { readonly t: 'run-end'; readonly status: RunStatus; readonly error?: string }
    | { readonly t: 'interrupted'; readonly reason: string }
    /** Opens the event log of a process that joined the run (`run --join`). */
    | { readonly t: 'worker'; readonly worker: string; readonly pid: number; readonly host: string }
    /** A joined process (or, in a shared run, the starting one) finished its part. */
    | { readonly t: 'worker-end'; readonly worker: string; readonly status: RunStatus; readonly error?: string }
    /** What the processes of the run read of a source together (a Kafka consumer group and the offsets it ends at). */
    | { readonly t: 'shared'; readonly connection: string; readonly source: Readonly<Record<string, unknown>> }
  ));

export type JournalRecordType = JournalRecord['t'];

/** Every record type a reader sees, for a reader that wants them all: batch records come as the records they hold. */
export const JOURNAL_RECORD_TYPES = [
  'run-start', 'resumed', 'retry-start', 'in-flight', 'unsent', 'delivered', 'committed', 'filtered', 'parked', 'unparked', 'reply',
  'connection', 'component', 'reconciliation', 'log', 'run-end', 'interrupted', 'worker', 'worker-end', 'shared',
] as const satisfies readonly JournalRecordType[];
/** Every record type as stored, batch records whole: for copying a run into a store. */
export const STORED_RECORD_TYPES = [...JOURNAL_RECORD_TYPES, ...BATCH_RECORD_TYPES] as const;
/** Fails to compile while a record type is missing from the lists. */
const everyTypeListed: [Exclude<JournalRecordType, (typeof STORED_RECORD_TYPES)[number]>] extends [never] ? true : false = true;
void everyTypeListed;

/** Distributes Omit over the union so each record keeps its own fields. */
export type NewJournalRecord = JournalRecord extends infer R ? (R extends JournalRecord ? Omit<R, 'at'> : never) : never;

export interface RunSummary {
  readonly runId: string;
  readonly flow: string;
  readonly flowFile: string;
  readonly mode: RunMode;
  readonly only?: string;
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly endedAt?: string;
  readonly components: Readonly<Record<string, ComponentStatus>>;
  readonly reconciliation: readonly ConnectionReconciliation[];
  /** The run's connections, whose labels `reconciliation` uses (absent in runs recorded before it). */
  readonly connections?: readonly ConnectionRef[];
  readonly parked: number;
  readonly error?: string;
  /** How many times the run was resumed (absent: never); `reconciliation` is then every segment's together. */
  readonly resumed?: number;
  /** The executor's process id while running, for people: whether a run is live is its owner lock's to say (executor/run-ownership.ts). */
  readonly pid?: number;
  /**
   * Per connection, what the processes of the run read of its source together (`run --join`): for
   * Kafka, the consumer group and each partition's start and end offsets, fixed when it started.
   */
  readonly shared?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/**
 * The components a connection label joins, for a run recorded before records carried the connection's
 * identity (run-start's `connections`); a newer run's readers look the label up there instead.
 */
export function legacyConnectionEnds(label: string): Pick<ConnectionIdentity, 'from' | 'to'> | undefined {
  const [from, rest] = label.split(' -> ');
  if (from === undefined || rest === undefined) return undefined;
  return { from, to: rest.replace(/ #\d+$/, '') };
}
