// The engine: start, resume and retry runs of a flow; pre-flight, sessions, reconciliation, journal and summary.
import { setMaxListeners } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { ConnectionReconciliation, EventSink, RunMode, RunStatus } from '../protocol/executor-events';
import { realClock, type Clock } from './clock';
import { buildConnectors, closeConnectors, preflightAll } from './component-connectors';
import type { Connector, ConnectorFactory } from './connectors/connector';
import { Journal } from './journal-writer';
import { eachJournalRecord, journalFiles, readSummary, JournalError } from '../protocol/journal-files';
import { JOURNAL_FILE, workerJournalFile } from '../protocol/journal-records';
import { newRunId, runDirectory, workerId } from './run-paths';
import { withRunLock } from './run-liveness';
import type { RunSummary } from '../protocol/journal-records';
import { planRun, type RunPlan } from './plan';
import { Redactor } from './redaction';
import { DEFAULT_MAX_IN_FLIGHT, type RunContext } from './run-context';
import { modeOf, runSession, type ConnectionResult, type SessionInput } from './run-session';
import { awaitShares, closeSharedRun, joinableConnections, recordShares, SummaryHolder } from './run-sharing';
import { OpenParked, parkedReaderFor, readRunHistory, unfinishedConnections, uncommittedReplies, retryTargets } from './run-history';
import type { SecretProvider } from './values';

export interface EngineDeps {
  readonly connectors: ConnectorFactory;
  readonly secrets: SecretProvider;
  readonly emit: EventSink;
  readonly runsDir: string;
  readonly signal: AbortSignal;
  readonly env?: NodeJS.ProcessEnv;
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly actor?: string;
  readonly maxInFlight?: number;
  readonly version?: string;
}

export interface RunResult {
  readonly runId: string;
  readonly status: RunStatus;
  readonly reconciliation: readonly ConnectionReconciliation[];
  readonly parked: number;
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
    components: {}, reconciliation: [], parked: 0, ...(options.only ? { only: options.only } : {}), pid: process.pid,
  };
  return execute(plan, summary, deps, options.mode, (ctx) => {
    ctx.journal.append({ t: 'run-start', runId, flow: plan.flowId, flowFile: file, mode: summary.mode, ...(options.only ? { only: options.only } : {}), actor: deps.actor ?? process.env.USER ?? 'unknown', versions: { flowtracer: deps.version ?? '0.1.0', node: process.version } });
    return { run: new Set(plan.connections.map((c) => c.id)), resume: false };
  });
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
  const directory = runDirectory(deps.runsDir, runId);
  const summary = await readSummary(directory);
  if (summary.status !== 'running') throw new JournalError(`run ${runId} is not running (${summary.status})${summary.status === 'interrupted' ? `: resume it with flowtracer resume ${runId}` : ''}`);
  if (summary.mode === 'dry-run') throw new JournalError(`run ${runId} is a dry run: it reads alone and cannot be joined`);
  const plan = loadPlan(options.flowFile ? resolve(options.flowFile) : summary.flowFile, summary.only);
  if (plan.flowId !== summary.flow) throw new JournalError(`run ${runId} runs flow '${summary.flow}', not '${plan.flowId}'`);
  const worker = workerId();
  return execute(plan, summary, deps, modeOverride(summary), (ctx, connectors) => {
    ctx.journal.append({ t: 'worker', worker, pid: process.pid, host: hostname() });
    const run = new Set([...joinableConnections(plan, connectors)].filter((id) => modeOf(plan.connections.find((c) => c.id === id)!, plan, modeOverride(summary)) !== 'dry-run'));
    if (run.size === 0) throw new JournalError(`run ${runId} has no Kafka source to share`);
    return { run, resume: true };
  }, worker);
}

/** Continues an interrupted run from the committed positions: every connection that did not finish runs again. */
export async function resumeRun(runId: string, deps: EngineDeps): Promise<RunResult> {
  const { summary, plan, directory } = await loadRun(runId, deps.runsDir);
  if (summary.status === 'running') throw new JournalError(`run ${runId} is still running (pid ${summary.pid ?? '?'})`);
  const history = await readRunHistory(directory, plan, 'resume');
  return execute(plan, { ...summary, status: 'running', pid: process.pid }, deps, modeOverride(summary), (ctx) => {
    ctx.journal.append({ t: 'resumed', ...(deps.actor ? { actor: deps.actor } : {}) });
    const run = unfinishedConnections(plan, history.statuses);
    return { run, resume: true, prefeed: uncommittedReplies(plan, history, run, directory), alreadyCommitted: history.committed };
  });
}

/** Re-delivers exactly the parked messages of `component` (or of every component), then continues downstream. */
export async function retryRun(runId: string, component: string | undefined, deps: EngineDeps): Promise<RunResult> {
  const { summary, plan, directory } = await loadRun(runId, deps.runsDir);
  if (summary.status === 'running') throw new JournalError(`run ${runId} is still running (pid ${summary.pid ?? '?'})`);
  const history = await readRunHistory(directory, plan, 'retry');
  const parked = history.parked.filter((p) => component === undefined || p.component === component);
  if (component !== undefined && !plan.components.some((c) => c.name === component)) throw new JournalError(`run ${runId} has no component '${component}'`);
  return execute(plan, { ...summary, status: 'running', pid: process.pid }, deps, modeOverride(summary), (ctx) => {
    ctx.journal.append({ t: 'retry-start', ...(component ? { component } : {}), ...(deps.actor ? { actor: deps.actor } : {}) });
    const retried = new Set(parked.map((p) => p.connection));
    return {
      run: retryTargets(plan, history.statuses, retried),
      resume: true,
      override: (c) => (retried.has(c.id) ? parkedReaderFor(ctx.journal, parked.filter((p) => p.connection === c.id)) : undefined),
    };
  });
}

function modeOverride(summary: RunSummary): RunMode | undefined {
  return summary.mode === 'dry-run' ? 'dry-run' : undefined;
}

/** A recorded run's summary and plan; its journal is read after (streaming), for what the operation needs. */
async function loadRun(runId: string, runsDir: string): Promise<{ summary: RunSummary; plan: RunPlan; directory: string }> {
  const directory = runDirectory(runsDir, runId);
  const summary = await readSummary(directory);
  return { summary, plan: loadPlan(summary.flowFile, summary.only), directory };
}

type SessionChoice = Pick<SessionInput, 'run' | 'resume' | 'override' | 'prefeed' | 'alreadyCommitted'>;

/**
 * Runs connections of a plan. `worker` is set for a process that joined the run: it writes its own
 * event log, never the summary while running, and waits for the shares the starting process fixes.
 */
async function execute(plan: RunPlan, summary: RunSummary, deps: EngineDeps, mode: RunMode | undefined, choose: (ctx: RunContext, connectors: ReadonlyMap<string, Connector>) => SessionChoice, worker?: string): Promise<RunResult> {
  const redactor = new Redactor();
  // Every in-flight message and connector call listens on the run's signal.
  setMaxListeners(0, deps.signal);
  const directory = runDirectory(deps.runsDir, summary.runId);
  const clock = deps.clock ?? realClock;
  const started = clock.now();
  const emit: EventSink = (event) => deps.emit(redactor.redactDeep(event));
  const connectors = await buildConnectors(plan.components, { factory: deps.connectors, env: deps.env ?? process.env, secrets: deps.secrets, redactor }, deps.signal);
  let journal: Journal | undefined;
  try {
    await preflightAll(connectors, redactor, deps.signal);
    journal = await Journal.open(directory, redactor, worker ? workerJournalFile(worker) : JOURNAL_FILE);
    const j = journal;
    const ctx: RunContext = {
      runId: summary.runId, mode: summary.mode, flowFile: summary.flowFile, journal: j, redactor, clock, signal: deps.signal, emit,
      log: (level, message, component) => {
        if (level === 'warn' || level === 'error') j.append({ t: 'log', level, message });
        emit({ type: 'log', runId: summary.runId, level, message, ...(component ? { component } : {}) });
      },
      maxInFlight: deps.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT, random: deps.random ?? Math.random,
    };
    const choice = choose(ctx, connectors);
    await j.flush();
    // A resumed connection fixes a new share (a new group that starts where the previous one got to).
    const previousShares = summary.shared ?? {};
    const holder = new SummaryHolder(worker ? summary : { ...summary, shared: Object.fromEntries(Object.entries(previousShares).filter(([id]) => !choice.run.has(id))) });
    if (!worker) await j.writeSummary(holder.summary);
    emit({ type: 'run-started', runId: summary.runId, flow: plan.flowId, mode: summary.mode, at: new Date().toISOString(), components: plan.components.map((c) => c.name) });
    const share = worker ? awaitShares(ctx, directory) : recordShares(ctx, holder, previousShares);
    const results = await runSession({ plan, ctx, connectors, modeOverride: mode, ...choice, share });
    return await finish(ctx, plan, holder.summary, results, started, directory, worker);
  } finally {
    await journal?.close();
    await closeConnectors(connectors);
  }
}

async function finish(ctx: RunContext, plan: RunPlan, summary: RunSummary, results: Map<string, ConnectionResult>, started: number, directory: string, worker: string | undefined): Promise<RunResult> {
  const reconciliation: ConnectionReconciliation[] = [...results].map(([connection, r]) => ({
    connection, ...r.counts, balanced: r.counts.read === r.counts.delivered + r.counts.parked + r.counts.filtered,
  }));
  ctx.journal.append({ t: 'reconciliation', connections: reconciliation });
  const unbalanced = reconciliation.find((r) => !r.balanced);
  const problem = [...results].find(([, r]) => r.status !== 'succeeded');
  const status: RunStatus = ctx.signal.aborted ? 'stopped' : unbalanced || problem ? 'failed' : 'succeeded';
  const error = unbalanced
    ? `reconciliation mismatch on ${unbalanced.connection}: read ${unbalanced.read} but delivered ${unbalanced.delivered} + parked ${unbalanced.parked} + filtered ${unbalanced.filtered}`
    : problem && status === 'failed' ? `${problem[0]}: ${problem[1].error ?? problem[1].status}` : undefined;
  if (unbalanced) ctx.log('error', error!);
  if (worker || (await journalFiles(directory)).length > 1) return finishShared(ctx, plan, summary, { status, reconciliation, error }, started, directory, worker);
  ctx.journal.append({ t: 'run-end', status, ...(error ? { error } : {}) });
  await ctx.journal.flush();
  // Only what the summary needs, folded as it streams by: a long run's journal does not fit in memory.
  const components: Record<string, string> = { ...summary.components };
  const open = new OpenParked<{ id: string }>();
  await eachJournalRecord(directory, ['component', 'parked', 'unparked'], (r) => {
    if (r.t === 'component') components[r.component] = r.status;
    else if (r.t === 'parked') open.park({ id: r.id });
    else open.unpark(r.id);
  });
  const merged = [...summary.reconciliation.filter((r) => !results.has(r.connection)), ...reconciliation];
  const parked = open.size;
  const { pid: _pid, error: _previousError, ...rest } = summary;
  await ctx.journal.writeSummary({ ...rest, status, endedAt: new Date().toISOString(), components: components as RunSummary['components'], reconciliation: merged, parked, ...(error ? { error } : {}) });
  ctx.emit({ type: 'run-finished', runId: summary.runId, status, at: new Date().toISOString(), durationMs: ctx.clock.now() - started, reconciliation, ...(error ? { error } : {}) });
  return { runId: summary.runId, status, reconciliation, parked, directory, ...(error ? { error } : {}) };
}


/**
 * A process of a shared run ends its own part (its reconciliation and a worker-end record); the
 * last one alive closes the run: status and reconciliation across every process's event log.
 */
async function finishShared(ctx: RunContext, plan: RunPlan, summary: RunSummary, own: { status: RunStatus; reconciliation: ConnectionReconciliation[]; error: string | undefined }, started: number, directory: string, worker: string | undefined): Promise<RunResult> {
  ctx.journal.append({ t: 'worker-end', worker: worker ?? 'main', status: own.status, ...(own.error ? { error: own.error } : {}) });
  await ctx.journal.flush();
  const closed = await withRunLock(directory, () => closeSharedRun(directory, plan, summary));
  const result = closed ?? { status: own.status, reconciliation: own.reconciliation, parked: 0, ...(own.error ? { error: own.error } : {}) };
  if (closed) ctx.log('info', `run ${summary.runId} closed by ${worker ?? 'the starting process'}: ${closed.status}`);
  else ctx.log('info', `${worker ?? 'the starting process'} finished its part (${own.status}); the run goes on in the other processes`);
  ctx.emit({ type: 'run-finished', runId: summary.runId, status: result.status, at: new Date().toISOString(), durationMs: ctx.clock.now() - started, reconciliation: result.reconciliation, ...(result.error ? { error: result.error } : {}) });
  return { runId: summary.runId, directory, ...result };
}
