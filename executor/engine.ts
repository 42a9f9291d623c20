// The engine: start, resume and retry runs of a flow; pre-flight, sessions, reconciliation, journal and summary.
import { setMaxListeners } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { ConnectionReconciliation, EventSink, RunMode, RunStatus } from '../protocol/executor-events';
import { formatActor } from '../flow/actor';
import { realClock, type Clock } from './clock';
import { buildConnectors, closeConnectors, preflightAll, resolveConnections } from './component-connectors';
import type { Connector, ConnectorFactory } from './connectors/connector';
import { JournalWriteError, type Journal } from './journal-writer';
import { JournalError } from '../protocol/journal-files';
import { newRunId, workerId } from './run-paths';
import type { ClaimOptions, LiveOwner, OwnerRole } from './run-ownership';
import { eachRunRecord, MAIN_LOG, type RunClaim, type RunStore, type StoredRun } from './run-store';
import { FolderRunStore } from './stores/folder-run-store';
import type { LockTiming } from './run-mutex';
import type { RunSummary } from '../protocol/journal-records';
import { connectionRef, planRun, type RunPlan } from './plan';
import { FIXED_VALUE_FIELDS, Redactor } from './redaction';
import { DEFAULT_MAX_IN_FLIGHT, journalPayloadsOf, type RunContext } from './run-context';
import { modeOf, runSession, type ConnectionResult, type SessionInput } from './run-session';
import { awaitShares, closeSharedRun, joinableConnections, recordShares, SummaryHolder } from './run-sharing';
import { runTotals } from './run-reconciliation';
import { OpenParked, parkedReaderFor, readRunHistory, unfinishedConnections, uncommittedReplies, retryTargets, UnstoredParkedError } from './run-history';
import { keyedResumes } from './resume-positions';
import type { SecretProvider } from './values';
import type { Telemetry } from './telemetry/hop-telemetry';

export interface EngineDeps {
  readonly connectors: ConnectorFactory;
  readonly secrets: SecretProvider;
  readonly emit: EventSink;
  /** Whether `emit` takes a `message-delivered` event per message delivered (default: it does). The CLI's text output shows none, so its runs build none. */
  readonly deliveredEvents?: boolean;
  readonly runsDir: string;
  /** Where runs are kept (executor/run-stores.ts chooses it once); without one, the folder `runsDir`. */
  readonly store?: RunStore;
  /** Aborts everything the run does: a second Stop, or the grace period after the first running out. */
  readonly signal: AbortSignal;
  /** A Stop: the sources stop being read at once, what is in flight is still confirmed and committed (see RunStop). */
  readonly stopReading?: AbortSignal;
  readonly env?: NodeJS.ProcessEnv;
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly actor?: string;
  readonly maxInFlight?: number;
  readonly version?: string;
  /** How often this process refreshes its lock on the run, and after how long silent others may take it over. */
  readonly lockTiming?: LockTiming;
  /** The run's redactor: every secret the run resolves is added to it, so that the caller masks its own lines (an error before or after the run) with it. */
  readonly redactor?: Redactor;
  /** Where each hop's spans are exported (OpenTelemetry); absent: untraced. */
  readonly telemetry?: Telemetry;
}

/** The deps of a process that holds its lock on the run: `signal` also aborts once the lock is lost. */
type OwnedDeps = EngineDeps & { readonly ownership: RunClaim; readonly run: StoredRun };

function storeOf(deps: EngineDeps): RunStore {
  return deps.store ?? new FolderRunStore(deps.runsDir);
}

export interface RunResult {
  readonly runId: string;
  readonly status: RunStatus;
  readonly reconciliation: readonly ConnectionReconciliation[];
  readonly parked: number;
  /** Where the run is kept: its directory in a runs folder, or the store and the run id. */
  readonly directory: string;
  readonly error?: string;
}

export interface StartOptions {
  readonly mode?: RunMode;
  readonly only?: string;
  readonly runId?: string;
}

function loadPlan(flowFile: string, only: string | undefined): RunPlan {
  const text = readFileSync(flowFile, 'utf8');
  return planRun(text, { path: flowFile, fs: { exists: existsSync }, only });
}

/** Starts a new run of a flow file. Throws PlanRefused, MissingValueError or PreflightError before anything moves. */
export async function startRun(flowFile: string, options: StartOptions, deps: EngineDeps): Promise<RunResult> {
  const file = resolve(flowFile);
  const plan = loadPlan(file, options.only);
  const runId = options.runId ?? newRunId(new Date(), deps.random);
  const summary: RunSummary = {
    runId, flow: plan.flowId, flowFile: file, mode: options.mode ?? 'warn', status: 'running', startedAt: new Date().toISOString(),
    components: {}, reconciliation: [], connections: plan.connections.map(connectionRef), parked: 0, ...(options.only ? { only: options.only } : {}), pid: process.pid,
  };
  await storeOf(deps).run(runId).create();
  return owning(runId, 'main', deps, {}, (owned) => execute(plan, summary, owned, options.mode, (ctx) => {
    ctx.journal.append({ t: 'run-start', runId, flow: plan.flowId, flowFile: file, mode: summary.mode, ...(options.only ? { only: options.only } : {}), actor: deps.actor ?? formatActor({ kind: 'local', name: process.env.USER ?? 'unknown' }), versions: { flowtracer: deps.version ?? '0.1.0', node: process.version }, connections: plan.connections.map(connectionRef) });
    return { run: new Set(plan.connections.map((c) => c.id)), resume: false };
  }));
}

/**
 * Runs `use` holding this process's lock on the run (RunBusyError, naming the owner, while another
 * process holds the run), released once it ends; losing the lock aborts the run's signal.
 */
async function owning(runId: string, role: OwnerRole, deps: EngineDeps, options: Pick<ClaimOptions, 'admit'>, use: (owned: OwnedDeps) => Promise<RunResult>): Promise<RunResult> {
  const run = storeOf(deps).run(runId);
  // No such run: the summary's reader says so in its words.
  if (!(await run.exists())) await run.readSummary();
  const ownership = await run.claim(role, { ...options, signal: deps.signal, ...(deps.lockTiming ? { timing: deps.lockTiming } : {}) });
  try {
    return await use({ ...deps, signal: AbortSignal.any([deps.signal, ownership.signal]), ownership, run });
  } finally {
    await ownership.release();
  }
}

export interface JoinOptions {
  /** The flow file, when it is not where the run's summary says (another machine). */
  readonly flowFile?: string;
}

/**
 * Joins a running run as one more process: its Kafka sources are read through the run's consumer
 * groups, so the processes share the partitions and take over a dead one's. This process writes
 * its own event log (`journal-<host>-<pid>.ndjson`); the last process to end closes the run.
 */
export async function joinRun(runId: string, options: JoinOptions, deps: EngineDeps): Promise<RunResult> {
  const stored = storeOf(deps).run(runId);
  // The id asked for, never the one inside the file: it names the place every write goes to.
  const summary = { ...(await stored.readSummary()), runId };
  if (summary.status !== 'running') throw new JournalError(`run ${runId} is not running (${summary.status})${summary.status === 'interrupted' ? `: resume it with flowtracer resume ${runId}` : ''}`);
  if (summary.mode === 'dry-run') throw new JournalError(`run ${runId} is a dry run: it reads alone and cannot be joined`);
  const plan = loadPlan(options.flowFile ? resolve(options.flowFile) : summary.flowFile, summary.only);
  if (plan.flowId !== summary.flow) throw new JournalError(`run ${runId} runs flow '${summary.flow}', not '${plan.flowId}'`);
  const worker = workerId();
  // The summary again while no one claims the run: it may have ended, or its processes may all be gone.
  const admit = async (owners: readonly LiveOwner[]): Promise<void> => {
    const now = await stored.readSummary();
    if (now.status !== 'running' || owners.length === 0) throw new JournalError(`run ${runId} is not running (${now.status === 'running' ? 'its processes are gone' : now.status})${now.status === 'running' || now.status === 'interrupted' ? `: resume it with flowtracer resume ${runId}` : ''}`);
  };
  return owning(runId, { worker }, deps, { admit }, (owned) => execute(plan, summary, owned, modeOverride(summary), (ctx, connectors) => {
    ctx.journal.append({ t: 'worker', worker, pid: process.pid, host: hostname() });
    const run = new Set([...joinableConnections(plan, connectors)].filter((id) => modeOf(plan.connections.find((c) => c.id === id)!, plan, modeOverride(summary)) !== 'dry-run'));
    if (run.size === 0) throw new JournalError(`run ${runId} has no Kafka source to share`);
    return { run, resume: true };
  }, worker));
}

/** Continues an interrupted run from the committed positions: every connection that did not finish runs again. */
export function resumeRun(runId: string, deps: EngineDeps): Promise<RunResult> {
  // Held, the run is this process's alone: a `running` summary was left by a process that died.
  return owning(runId, 'main', deps, {}, async (owned) => {
    const { summary, plan } = await loadRun(owned.run);
    const history = await readRunHistory(owned.run, plan, 'resume');
    const run = unfinishedConnections(plan, history.statuses);
    // Refused here, before anything moves, where a source has no key to continue after.
    const resumeFrom = keyedResumes(runId, plan, history.lastCommitted, run);
    return execute(plan, { ...summary, status: 'running', pid: process.pid }, owned, modeOverride(summary), (ctx) => {
      ctx.journal.append({ t: 'resumed', ...(deps.actor ? { actor: deps.actor } : {}) });
      return { run, resume: true, prefeed: uncommittedReplies(plan, history, run, owned.run), alreadyCommitted: history.committed, resumeFrom };
    });
  });
}

/** Re-delivers exactly the parked messages of `component` (or of every component), then continues downstream. */
export function retryRun(runId: string, component: string | undefined, deps: EngineDeps): Promise<RunResult> {
  return owning(runId, 'main', deps, {}, async (owned) => {
    const { summary, plan } = await loadRun(owned.run);
    const history = await readRunHistory(owned.run, plan, 'retry');
    const open = history.parked.filter((p) => component === undefined || p.component === component);
    if (component !== undefined && !plan.components.some((c) => c.name === component)) throw new JournalError(`run ${runId} has no component '${component}'`);
    const parked = open.filter((p) => p.stored);
    if (parked.length === 0 && open.length > 0) throw new UnstoredParkedError(runId, open);
    return execute(plan, { ...summary, status: 'running', pid: process.pid }, owned, modeOverride(summary), (ctx) => {
      ctx.journal.append({ t: 'retry-start', ...(component ? { component } : {}), ...(deps.actor ? { actor: deps.actor } : {}) });
      for (const p of open.filter((o) => !o.stored)) ctx.log('warn', `${p.connection}: the parked message ${p.key ?? p.source} is not retried: the journal holds no payload for it (the flow's journal.payloads is none); read it again from its source in a new run`, p.component);
      const retried = new Set(parked.map((p) => p.connection));
      return {
        run: retryTargets(plan, history.statuses, retried),
        resume: true,
        override: (c) => (retried.has(c.id) ? parkedReaderFor(owned.run, ctx.journal, parked.filter((p) => p.connection === c.id)) : undefined),
      };
    });
  });
}

function modeOverride(summary: RunSummary): RunMode | undefined {
  return summary.mode === 'dry-run' ? 'dry-run' : undefined;
}

/** A recorded run's summary and plan; its journal is read after (streaming), for what the operation needs. */
async function loadRun(run: StoredRun): Promise<{ summary: RunSummary; plan: RunPlan }> {
  // The id asked for, never one read from inside the summary, names the run (and its paths).
  const summary = { ...(await run.readSummary()), runId: run.runId };
  return { summary, plan: loadPlan(summary.flowFile, summary.only) };
}

const EVENT_KEPT: ReadonlySet<string> = new Set(FIXED_VALUE_FIELDS);

type SessionChoice = Pick<SessionInput, 'run' | 'resume' | 'override' | 'prefeed' | 'alreadyCommitted' | 'resumeFrom'>;

/**
 * Runs connections of a plan. `worker` is set for a process that joined the run: it writes its own
 * event log, never the summary while running, and waits for the shares the starting process fixes.
 */
async function execute(plan: RunPlan, summary: RunSummary, deps: OwnedDeps, mode: RunMode | undefined, choose: (ctx: RunContext, connectors: ReadonlyMap<string, Connector>) => SessionChoice, worker?: string): Promise<RunResult> {
  const redactor = deps.redactor ?? new Redactor();
  // Every in-flight message and connector call listens on the run's signal.
  setMaxListeners(0, deps.signal);
  const stopReading = deps.stopReading ? AbortSignal.any([deps.signal, deps.stopReading]) : deps.signal;
  setMaxListeners(0, stopReading);
  const run = deps.run;
  const clock = deps.clock ?? realClock;
  const started = clock.now();
  const emit: EventSink = (event) => deps.emit(redactor.redactExcept(event, EVENT_KEPT));
  const sources = { env: deps.env ?? process.env, secrets: deps.secrets, redactor };
  const connectors = await buildConnectors(plan.components, { factory: deps.connectors, ...sources }, deps.signal);
  let journal: Journal | undefined;
  try {
    const resolved = await resolveConnections(plan, sources, deps.signal);
    await preflightAll(connectors, redactor, deps.signal);
    journal = await run.openJournal(worker ?? MAIN_LOG, redactor);
    const j = journal;
    // A failed journal write stops the run as Stop does (nothing more can be made durable, so nothing more may be acked).
    const signal = AbortSignal.any([deps.signal, j.writeFailed]);
    setMaxListeners(0, signal);
    const ctx: RunContext = {
      runId: summary.runId, mode: summary.mode, flowFile: summary.flowFile, journal: j, redactor, clock, signal, stopReading: AbortSignal.any([signal, stopReading]), emit,
      log: (level, message, component) => {
        if (level === 'warn' || level === 'error') j.append({ t: 'log', level, message });
        emit({ type: 'log', runId: summary.runId, level, message, ...(component ? { component } : {}) });
      },
      maxInFlight: deps.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT, random: deps.random ?? Math.random, payloads: journalPayloadsOf(plan.model.journal),
      deliveredEvents: deps.deliveredEvents ?? true,
      ...(deps.telemetry ? { telemetry: deps.telemetry } : {}),
    };
    // Another process may be running the run now: not one more record, commit or summary from this one.
    deps.ownership.onLost((error) => {
      j.refuseWrites(error);
      ctx.log('error', error.message);
    });
    const choice = choose(ctx, connectors);
    await j.flush();
    // A resumed connection fixes a new share (a new group that starts where the previous one got to).
    const previousShares = summary.shared ?? {};
    const holder = new SummaryHolder(worker ? summary : { ...summary, shared: Object.fromEntries(Object.entries(previousShares).filter(([id]) => !choice.run.has(id))) });
    if (!worker) await j.writeSummary(holder.summary);
    emit({ type: 'run-started', runId: summary.runId, flow: plan.flowId, mode: summary.mode, at: new Date().toISOString(), components: plan.components.map((c) => c.name), connections: plan.connections.map(connectionRef) });
    const share = worker ? awaitShares(ctx, run) : recordShares(ctx, holder, previousShares);
    try {
      const results = await runSession({ plan: resolved, ctx, connectors, modeOverride: mode, ...choice, share });
      await reportExport(ctx);
      return await finish(ctx, plan, holder.summary, results, started, run, worker, choice.resume);
    } catch (error) {
      // A lost lock is not this process's run to finish any more: only a failed write ends it here.
      if (!(j.failure instanceof JournalWriteError)) throw error;
      return await finishUnjournaled(ctx, holder.summary, j.failure, started, run, worker);
    }
  } finally {
    try {
      await journal?.close();
    } finally {
      await closeConnectors(connectors);
    }
  }
}

/** Exports the run's spans; those a collector did not take are counted once, in the run's log (a dead collector never fails a run). */
async function reportExport(ctx: RunContext): Promise<void> {
  const report = await ctx.telemetry?.flush();
  if (report && report.dropped > 0) ctx.log('warn', `tracing: ${report.dropped} span${report.dropped === 1 ? '' : 's'} could not be exported to ${report.destination} and ${report.dropped === 1 ? 'was' : 'were'} dropped${report.error ? ` (${report.error})` : ''}`);
}

/** Ends a segment of a run: its reconciliation in the journal; the run's totals (every segment's, once resumed) in the summary. */
async function finish(ctx: RunContext, plan: RunPlan, summary: RunSummary, results: Map<string, ConnectionResult>, started: number, run: StoredRun, worker: string | undefined, resumed: boolean): Promise<RunResult> {
  const reconciliation: ConnectionReconciliation[] = [...results].map(([connection, r]) => ({
    connection, ...r.counts, balanced: r.counts.read === r.counts.delivered + r.counts.parked + r.counts.filtered,
  }));
  ctx.journal.append({ t: 'reconciliation', connections: reconciliation });
  const unbalanced = reconciliation.find((r) => !r.balanced);
  const problem = [...results].find(([, r]) => r.status !== 'succeeded');
  const status: RunStatus = ctx.stopReading.aborted ? 'stopped' : unbalanced || problem ? 'failed' : 'succeeded';
  const error = unbalanced
    ? `reconciliation mismatch on ${unbalanced.connection}: read ${unbalanced.read} but delivered ${unbalanced.delivered} + parked ${unbalanced.parked} + filtered ${unbalanced.filtered}`
    : problem && status === 'failed' ? `${problem[0]}: ${problem[1].error ?? problem[1].status}` : undefined;
  if (unbalanced) ctx.log('error', error!);
  if (worker || (await run.logs()).length > 1) return finishShared(ctx, plan, summary, { status, reconciliation, error }, started, run, worker);
  ctx.journal.append({ t: 'run-end', status, ...(error ? { error } : {}) });
  await ctx.journal.flush();
  // Only what the summary needs, folded as it streams by: a long run's journal does not fit in memory.
  const components: Record<string, string> = { ...summary.components };
  const open = new OpenParked<{ id: string }>();
  await eachRunRecord(run, ['component', 'parked', 'unparked'], (r) => {
    if (r.t === 'component') components[r.component] = r.status;
    else if (r.t === 'parked') open.park({ id: r.id });
    else open.unpark(r.id);
  });
  // A first segment's counts are the run's; after a resume or retry the event log adds the segments up.
  // RabbitMQ redelivers a message under a new delivery tag: its earlier position is never read again.
  const renumbered = new Set(plan.connections.filter((c) => c.source.type === 'mq').map((c) => c.id));
  const totals = resumed ? await runTotals(run, plan.connections.map((c) => c.id), renumbered) : { reconciliation, resumed: 0 };
  const parked = open.size;
  const { pid: _pid, error: _previousError, ...rest } = summary;
  await ctx.journal.writeSummary({ ...rest, status, endedAt: new Date().toISOString(), components: components as RunSummary['components'], reconciliation: totals.reconciliation, parked, ...(totals.resumed > 0 ? { resumed: totals.resumed } : {}), ...(error ? { error } : {}) });
  ctx.emit({ type: 'run-finished', runId: summary.runId, status, at: new Date().toISOString(), durationMs: ctx.clock.now() - started, reconciliation: totals.reconciliation, ...(error ? { error } : {}) });
  return { runId: summary.runId, status, reconciliation: totals.reconciliation, parked, directory: run.location, ...(error ? { error } : {}) };
}

/**
 * The journal could not be written (a full disk, an I/O error): the run stopped at the failure and
 * fails with it. Nothing more goes into the journal; the summary says so if it still can be written
 * (a run shared with other processes is closed by them). Whatever was not committed stays at its
 * source for a resume.
 */
async function finishUnjournaled(ctx: RunContext, summary: RunSummary, failure: JournalWriteError, started: number, run: StoredRun, worker: string | undefined): Promise<RunResult> {
  const error = failure.message;
  let parked = summary.parked;
  if (!worker && (await run.logs()).length === 1) {
    const open = new OpenParked<{ id: string }>();
    await eachRunRecord(run, ['parked', 'unparked'], (r) => (r.t === 'parked' ? open.park({ id: r.id }) : open.unpark(r.id)));
    parked = open.size;
    const { pid: _pid, ...rest } = summary;
    await ctx.journal.writeSummary({ ...rest, status: 'failed', endedAt: new Date().toISOString(), parked, error })
      .catch((e: unknown) => ctx.log('error', `the summary cannot be written either: ${(e as Error).message}`));
  }
  ctx.emit({ type: 'run-finished', runId: summary.runId, status: 'failed', at: new Date().toISOString(), durationMs: ctx.clock.now() - started, reconciliation: [], error });
  return { runId: summary.runId, status: 'failed', reconciliation: [], parked, directory: run.location, error };
}

/**
 * A process of a shared run ends its own part (its reconciliation and a worker-end record); the
 * last one alive closes the run: status and reconciliation across every process's event log.
 */
async function finishShared(ctx: RunContext, plan: RunPlan, summary: RunSummary, own: { status: RunStatus; reconciliation: ConnectionReconciliation[]; error: string | undefined }, started: number, run: StoredRun, worker: string | undefined): Promise<RunResult> {
  ctx.journal.append({ t: 'worker-end', worker: worker ?? 'main', status: own.status, ...(own.error ? { error: own.error } : {}) });
  await ctx.journal.flush();
  const closed = await run.withRunLock(() => closeSharedRun(run, plan, summary));
  const result = closed ?? { status: own.status, reconciliation: own.reconciliation, parked: 0, ...(own.error ? { error: own.error } : {}) };
  if (closed) ctx.log('info', `run ${summary.runId} closed by ${worker ?? 'the starting process'}: ${closed.status}`);
  else ctx.log('info', `${worker ?? 'the starting process'} finished its part (${own.status}); the run goes on in the other processes`);
  ctx.emit({ type: 'run-finished', runId: summary.runId, status: result.status, at: new Date().toISOString(), durationMs: ctx.clock.now() - started, reconciliation: result.reconciliation, ...(result.error ? { error: result.error } : {}) });
  return { runId: summary.runId, directory: run.location, ...result };
}
