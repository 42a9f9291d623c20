// A run shared by several executor processes (`run --join`): sources' shares recorded and awaited, and the run closed by the last one.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ComponentStatus, ConnectionReconciliation, RunStatus } from '../protocol/executor-events';
import type { Connector, SharedSource } from './connectors/connector';
import { JournalError } from '../protocol/journal-files';
import { joinedWorkers, starterAlive, workerAlive } from './run-liveness';
import type { RunSummary } from '../protocol/journal-records';
import { eachRunRecord, MAIN_LOG, type StoredRun } from './run-store';
import type { PlannedConnection, RunPlan } from './plan';
import type { RunContext } from './run-context';
import { sharedReconciliation } from './run-reconciliation';
import { OpenParked } from './run-history';

type ShareHook = (c: PlannedConnection, source: Connector, settings: Readonly<Record<string, unknown>>) => Promise<SharedSource | undefined>;

/** The summary a starting (or resuming) process keeps up to date as its connections fix their shares. */
export class SummaryHolder {
  private writing: Promise<void> = Promise.resolve();

  constructor(public summary: RunSummary) {}

  update(ctx: RunContext, change: (s: RunSummary) => RunSummary): Promise<void> {
    this.summary = change(this.summary);
    const snapshot = this.summary;
    this.writing = this.writing.then(() => ctx.journal.writeSummary(snapshot));
    return this.writing;
  }
}

/**
 * The starting process fixes each shared source when its connection starts (after what it waits
 * for) and records it in the journal and the summary, where joined processes find it. Resuming,
 * `previous` carries the share of the interrupted segment.
 */
export function recordShares(ctx: RunContext, holder: SummaryHolder, previous: Readonly<Record<string, SharedSource>>): ShareHook {
  return async (c, source, settings) => {
    const share = await source.shareSource!(settings, previous[c.id], ctx.signal);
    ctx.journal.append({ t: 'shared', connection: c.id, source: share });
    await ctx.journal.flush();
    await holder.update(ctx, (s) => ({ ...s, shared: { ...(s.shared ?? {}), [c.id]: share } }));
    return share;
  };
}

/** A joined process waits for the starting one to fix a connection's share (polling the summary). */
export function awaitShares(ctx: RunContext, run: StoredRun): ShareHook {
  return async (c) => {
    for (;;) {
      const summary = await run.readSummary();
      const share = summary.shared?.[c.id];
      if (share) return share;
      if (summary.status !== 'running') throw new JournalError(`run ${ctx.runId} ended (${summary.status}) before ${c.id} started`);
      await sleep(250, undefined, { signal: ctx.signal });
    }
  };
}

/** Connections a joined process runs: those whose source can be shared, and those their replies feed. */
export function joinableConnections(plan: RunPlan, connectors: ReadonlyMap<string, Connector>): Set<string> {
  const run = new Set(plan.connections.filter((c) => c.fedBy.length === 0 && connectors.get(c.source.name)?.shareSource).map((c) => c.id));
  let grew = true;
  while (grew) {
    grew = false;
    for (const c of plan.connections) {
      if (!run.has(c.id) && c.fedBy.length > 0 && c.fedBy.some((f) => run.has(f))) {
        run.add(c.id);
        grew = true;
      }
    }
  }
  return run;
}

/** A connection failed by one process (parked messages) failed; otherwise one that finished it is enough. */
const CONNECTION_RANK: Record<string, number> = { failed: 4, succeeded: 3, blocked: 2, stopped: 1 };

export interface SharedOutcome {
  readonly status: RunStatus;
  readonly reconciliation: readonly ConnectionReconciliation[];
  readonly parked: number;
  readonly error?: string;
}

/** Whether the starting process's event log ends its last segment (run-end or worker-end). */
async function starterEnded(run: StoredRun): Promise<boolean> {
  let ended = false;
  for await (const r of run.records(MAIN_LOG, ['run-start', 'resumed', 'retry-start', 'run-end', 'worker-end'])) ended = r.t === 'run-end' || r.t === 'worker-end';
  return ended;
}

/**
 * Called by each process of a shared run as it ends, holding the run's lock: while another one is
 * still alive, nothing (that one closes the run); otherwise the run's status, reconciliation across
 * every event log and summary. A connection no process finished leaves the run interrupted.
 */
export async function closeSharedRun(run: StoredRun, plan: RunPlan, summary: RunSummary): Promise<SharedOutcome | undefined> {
  const onDisk = await run.readSummary();
  // Another process closed it already (the processes ending together each try).
  if (onDisk.status !== 'running') return { status: onDisk.status, reconciliation: onDisk.reconciliation, parked: onDisk.parked, ...(onDisk.error ? { error: onDisk.error } : {}) };
  if (!(await starterEnded(run)) && (await starterAlive(run))) return undefined;
  for (const w of await joinedWorkers(run)) if (await workerAlive(run, w)) return undefined;
  const shared = { ...(onDisk.shared ?? {}), ...(summary.shared ?? {}) };
  const best = new Map<string, string>();
  const others = new Map<string, ConnectionReconciliation>();
  const rank: Record<string, number> = { failed: 5, succeeded: 4, blocked: 3, skipped: 2, running: 1 };
  const seen = new Map<string, ComponentStatus>();
  const open = new OpenParked<{ id: string }>();
  // One pass over every event log, folded as it goes: a long run's journal does not fit in memory.
  await eachRunRecord(run, ['connection', 'component', 'parked', 'unparked', 'reconciliation'], (r) => {
    if (r.t === 'connection') {
      if ((CONNECTION_RANK[r.status] ?? 0) >= (CONNECTION_RANK[best.get(r.connection) ?? ''] ?? 0)) best.set(r.connection, r.status);
    } else if (r.t === 'reconciliation') {
      for (const c of r.connections) if (!shared[c.connection]) others.set(c.connection, c);
    } else if (r.t === 'component') {
      if ((rank[r.status] ?? 0) >= (rank[seen.get(r.component) ?? ''] ?? 0)) seen.set(r.component, r.status);
    } else if (r.t === 'parked') open.park({ id: r.id });
    else open.unpark(r.id);
  });
  const sharedCounts = await sharedReconciliation(run, Object.keys(shared));
  const reconciliation = [...sharedCounts, ...others.values()].sort((a, b) => plan.connections.findIndex((c) => c.id === a.connection) - plan.connections.findIndex((c) => c.id === b.connection));
  const unfinished = Object.keys(shared).filter((id) => !best.has(id));
  const unbalanced = reconciliation.find((r) => !r.balanced);
  const failed = [...best].find(([, s]) => s === 'failed' || s === 'blocked');
  const status: RunStatus = unfinished.length > 0 ? 'interrupted' : unbalanced || failed ? 'failed' : [...best.values()].includes('stopped') ? 'stopped' : 'succeeded';
  const error = unfinished.length > 0
    ? `no process finished ${unfinished.join(', ')}: resume the run`
    : unbalanced
      ? `reconciliation mismatch on ${unbalanced.connection}: its processes read ${unbalanced.read} but delivered ${unbalanced.delivered} + parked ${unbalanced.parked} + filtered ${unbalanced.filtered}; ${unbalanced.read - unbalanced.delivered - unbalanced.parked - unbalanced.filtered} sent and settled by none`
      : failed ? `${failed[0]} ${failed[1]}` : undefined;
  const components: Record<string, ComponentStatus> = { ...onDisk.components };
  for (const [name, s] of seen) components[name] = s;
  const parked = open.size;
  const { pid: _pid, error: _previous, ...rest } = { ...onDisk, ...summary, shared };
  await run.append(MAIN_LOG, [{ t: 'reconciliation', connections: reconciliation }, { t: 'run-end', status, ...(error ? { error } : {}) }]);
  await run.writeSummary({ ...rest, status, endedAt: new Date().toISOString(), components, reconciliation, parked, ...(error ? { error } : {}) });
  return { status, reconciliation, parked, ...(error ? { error } : {}) };
}
