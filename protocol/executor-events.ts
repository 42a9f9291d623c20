// The executor's one event channel: events it emits and commands it accepts (extension over IPC, CLI in-process).
import type { ValidationMode } from '../flow/model';
import type { JournalRecord, JournalRecordType, RunSummary } from './journal-records';
import type { RunListing } from './run-listing';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'interrupted' | 'stopped';
export type ComponentStatus = 'pending' | 'preflight' | 'running' | 'succeeded' | 'failed' | 'blocked' | 'skipped';
export type RunMode = ValidationMode;

/** Per-connection reconciliation: read = delivered + parked + filtered. */
export interface ConnectionCounts {
  readonly read: number;
  readonly delivered: number;
  readonly parked: number;
  readonly filtered: number;
}

/**
 * Which connection of the flow an event is about: its index in the flow's `connections` (document
 * order, what the diagram keys connections by) and the components it joins. Readers use these,
 * never the label.
 */
export interface ConnectionIdentity {
  readonly connectionIndex: number;
  readonly from: string;
  readonly to: string;
}

/** A connection's label (`From -> To`, with ` #index` when a pair repeats: the journal's key) with its identity. */
export interface ConnectionRef extends ConnectionIdentity {
  readonly connection: string;
}

export interface ConnectionReconciliation extends ConnectionCounts {
  /** `From -> To`, the connection's label. */
  readonly connection: string;
  readonly balanced: boolean;
}

export type ExecutorEvent =
  /** `connections`: every connection of the run, so that the labels in `run-finished` map to connections. */
  | { readonly type: 'run-started'; readonly runId: string; readonly flow: string; readonly mode: RunMode; readonly at: string; readonly components: readonly string[]; readonly connections: readonly ConnectionRef[] }
  | { readonly type: 'run-finished'; readonly runId: string; readonly status: RunStatus; readonly at: string; readonly durationMs: number; readonly reconciliation: readonly ConnectionReconciliation[]; readonly error?: string }
  | { readonly type: 'component-status'; readonly runId: string; readonly component: string; readonly status: ComponentStatus; readonly reason?: string }
  | ({ readonly type: 'connection-progress'; readonly runId: string; readonly connection: string; readonly counts: ConnectionCounts; readonly elapsedMs: number } & ConnectionIdentity)
  | ({ readonly type: 'message-delivered'; readonly runId: string; readonly connection: string; readonly traceId: string; readonly key: string | null; readonly sourcePosition: string; readonly targetPosition: string } & ConnectionIdentity)
  | ({ readonly type: 'message-parked'; readonly runId: string; readonly connection: string; readonly traceId: string; readonly key: string | null; readonly sourcePosition: string; readonly error: string; readonly attempts: number } & ConnectionIdentity)
  | ({ readonly type: 'message-retrying'; readonly runId: string; readonly connection: string; readonly key: string | null; readonly attempt: number; readonly waitMs: number; readonly error: string } & ConnectionIdentity)
  | { readonly type: 'log'; readonly runId?: string; readonly level: LogLevel; readonly message: string; readonly component?: string }
  /** The executor needs a secret's value (extension answers with `secret-value`). */
  | { readonly type: 'secret-request'; readonly requestId: number; readonly name: string }
  /** The next messages of a `browse`, in the order read (a page at a time: never the whole component at once). */
  | { readonly type: 'messages-page'; readonly component: string; readonly messages: readonly MessageView[] }
  /** A `browse` ended: how many messages it showed; `note` says what it left behind (RabbitMQ: requeued, now redelivered). */
  | { readonly type: 'browse-finished'; readonly component: string; readonly count: number; readonly note?: string; readonly error?: string }
  /** The answer to `list-runs`: every run of the store, newest first, as the Runs view shows it. */
  | { readonly type: 'runs-listed'; readonly runs: readonly RunListing[] }
  /** The answer to `read-run`: the run's summary and its records of the types asked for, every event log in order. */
  | { readonly type: 'run-read'; readonly runId: string; readonly summary: RunSummary; readonly records: readonly JournalRecord[] }
  /** A `send` confirmed `sent` of the `of` messages (sent now and then, not for each message). */
  | { readonly type: 'send-progress'; readonly component: string; readonly sent: number; readonly of: number }
  /** A `send` ended: `problems` (schema mismatches: nothing was sent) or `error` (the first failure: nothing after it was sent). */
  | { readonly type: 'send-finished'; readonly component: string; readonly sent: number; readonly of: number; readonly problems?: readonly string[]; readonly error?: string }
  /** An `export` wrote `written` messages so far (now and then, not for each message). */
  | { readonly type: 'export-progress'; readonly component: string; readonly written: number }
  /** An `export` ended: the messages written to `file`; `error` when it stopped early (what was written stays). */
  | { readonly type: 'export-finished'; readonly component: string; readonly written: number; readonly file: string; readonly note?: string; readonly error?: string }
  /** The answer to `redrive-plan`: the picked dead-letter groups and where each would go; `flows` when they were written. */
  | { readonly type: 'redrive-planned'; readonly component: string; readonly groups: readonly RedriveGroupView[]; readonly notDeadLetters: number; readonly flows?: readonly RedriveFlowView[]; readonly note?: string; readonly error?: string };

/** A dead-letter group as a redrive's dry run shows it: `to` is the component it would go to (`null`: none of the flow's). */
export interface RedriveGroupView {
  readonly origin: string;
  readonly reason: string;
  /** Messages a redrive would move. */
  readonly count: number;
  /** Messages redriven too often already: left where they are. */
  readonly tooOften: number;
  readonly to: string | null;
}

/** One move of a redrive, written as a flow of two components: its run moves the origin's picked groups. */
export interface RedriveFlowView {
  readonly origin: string;
  readonly to: string;
  readonly count: number;
  readonly flowFile: string;
}

/** A dead-letter group picked for a redrive: its origin, reason and count as `redrive-planned` named them. */
export interface RedrivePick {
  readonly origin: string;
  readonly reason: string;
  readonly count: number;
}

export interface RunOptions {
  readonly mode?: RunMode;
  readonly only?: string;
  readonly runsDir?: string;
  /** The `flowtracer.runsStore` setting: a PostgreSQL URL where runs are kept instead of `runsDir`. */
  readonly runsStore?: string;
  /** Who started the run (`github:login/id` or `local:name`), recorded in the journal. */
  readonly actor?: string;
}

/** A message as a browse shows it (the `.ndjson` line of `flowtracer export-messages`, with where it sits). */
export interface MessageView {
  readonly key: string | null;
  readonly headers: Readonly<Record<string, string>>;
  /** The payload's exact text when it is UTF-8; else `valueBase64`. */
  readonly value?: string;
  readonly valueBase64?: string;
  /** `topic/partition@offset` or `queue#n`. */
  readonly source: string;
  readonly timestamp?: string;
  readonly partition?: number;
  readonly offset?: string;
  readonly exchange?: string;
  readonly routingKey?: string;
  readonly redelivered?: boolean;
}

/** What a browse reads: the CLI's `browse` options. */
export interface BrowseRequest {
  readonly from?: string;
  readonly partitions?: readonly number[];
  /** The most messages shown (of a search: matches). */
  readonly limit: number;
  readonly search?: { readonly text?: string; readonly key?: string; readonly header?: string };
}

/** Where a `send` reads its `.ndjson` lines: a file (streamed), or text the editor had (a selection, a snippet). */
export type SendSource = { readonly file: string } | { readonly text: string };

export type ExecutorCommand =
  | { readonly type: 'run'; readonly flowFile: string; readonly options: RunOptions }
  | { readonly type: 'retry'; readonly runId: string; readonly component?: string; readonly runsDir?: string; readonly runsStore?: string; readonly actor?: string }
  | { readonly type: 'resume'; readonly runId: string; readonly runsDir?: string; readonly runsStore?: string; readonly actor?: string }
  /** Stops the run: the first one after a grace period for what is in flight (`STOP_GRACE_ENV`), a second one at once. */
  | { readonly type: 'stop' }
  | { readonly type: 'secret-value'; readonly requestId: number; readonly value: string | undefined }
  /** Reads a kafka or mq component's messages without changing anything (the Messages panel); a Stop ends it. */
  | { readonly type: 'browse'; readonly flowFile: string; readonly component: string; readonly request: BrowseRequest }
  /**
   * The Runs view of a run store (the `flowtracer.runsStore` setting), read by the executor so that the extension does not
   * load a database driver: answered with `runs-listed` (runs whose processes all died are marked interrupted first, as `flowtracer runs` does).
   */
  | { readonly type: 'list-runs'; readonly runsStore: string }
  /** One run of a run store (Open Run, Open Journal, Trace Message): answered with `run-read`. */
  | { readonly type: 'read-run'; readonly runsStore: string; readonly runId: string; readonly types: readonly JournalRecordType[] }
  /** Sends messages (`.ndjson` lines, a file's or given as text) to a kafka or mq component; a Stop ends it after what is in flight. */
  | { readonly type: 'send'; readonly flowFile: string; readonly component: string; readonly messages: SendSource }
  /** Writes what a browse of the component reads to an `.ndjson` file (`flowtracer export-messages`); a Stop ends it. */
  | { readonly type: 'export'; readonly flowFile: string; readonly component: string; readonly request: BrowseRequest; readonly file: string }
  /**
   * Reads a kafka or mq component's dead letters (a browse: nothing changes) and answers with `redrive-planned`: the groups
   * (`picks`, default all) and where each would go (`to`, default its origin); with `write`, the flows of the moves are written
   * into its folder, for the extension to run one after the other. `write` with `picks` and no `search` plans the picks as the
   * first answer counted them, without reading the component again.
   */
  | { readonly type: 'redrive-plan'; readonly flowFile: string; readonly component: string; readonly maxRedrives: number; readonly to?: string; readonly picks?: readonly RedrivePick[]; readonly search?: BrowseRequest['search']; readonly write?: { readonly folder: string; readonly keepHeaders: boolean } };

/** How long a Stop waits for the messages in flight to be confirmed (`--stop-grace`, the `flowtracer.stopGracePeriod` setting). */
export const DEFAULT_STOP_GRACE_MS = 5000;
/** The environment variable the extension gives the executor child its stop grace in, in milliseconds. */
export const STOP_GRACE_ENV = 'FLOWTRACER_STOP_GRACE_MS';
/**
 * The argument the extension forks `dist/executor/cli.js` with to get the executor child (one bundle serves the
 * `flowtracer` CLI and the child); it counts only with an IPC channel, so a user typing it gets the usage.
 */
export const EXECUTOR_CHILD_ARG = '--executor-child';

/** Where events go: the CLI prints them, the worker sends them over IPC. */
export type EventSink = (event: ExecutorEvent) => void;

export function isExecutorCommand(value: unknown): value is ExecutorCommand {
  const type = (value as { type?: unknown } | null)?.type;
  return typeof type === 'string' && ['run', 'retry', 'resume', 'stop', 'secret-value', 'browse', 'list-runs', 'read-run', 'send', 'export', 'redrive-plan'].includes(type);
}
