// Runs a set of a plan's connections: waits, feeds (service replies), blocking, per-component status.
import { randomUUID } from 'node:crypto';
import type { ComponentStatus, ConnectionCounts, RunMode } from '../protocol/executor-events';
import { FLOW_DEFAULTS } from '../flow/schema';
import type { Connector, FlowMessage, SourceMessage, SourceReader, TargetWriter } from './connectors/connector';
import type { ResumeFrom } from './connectors/key-position';
import { runConnection, type Settled } from './connection-runner';
import { deadLetterSelectOf, deadLetterSource, type PassedOver } from './messages/dead-letter-source';
import { PayloadValidator } from './payload-validation';
import { connectionRef, type PlannedConnection, type RunPlan } from './plan';
import type { CommittedPositions } from './committed-positions';
import { ReplyChannel } from './reply-channel';
import { RetrySchedule } from './retry-schedule';
import { maxInFlightOf, type RunContext } from './run-context';
import type { HopShapes } from './telemetry/hop-telemetry';

export type ConnectionStatus = 'succeeded' | 'failed' | 'blocked' | 'stopped';

export interface ConnectionResult {
  readonly status: ConnectionStatus;
  readonly counts: ConnectionCounts;
  readonly error?: string;
}

export interface SessionInput {
  readonly plan: RunPlan;
  readonly ctx: RunContext;
  readonly connectors: ReadonlyMap<string, Connector>;
  /** Ids of the connections to run now. */
  readonly run: ReadonlySet<string>;
  /** The `--mode` given for the run, overriding the components' own. */
  readonly modeOverride: RunMode | undefined;
  readonly resume: boolean;
  /** A reader replacing the source (retry reads parked messages), with a hook on each settled message. */
  readonly override?: (c: PlannedConnection) => { reader: SourceReader; onSettled: (m: SourceMessage, outcome: Settled) => void } | undefined;
  /** Replies journaled earlier that a fed connection has not committed yet (resume), read as the channel has room. */
  readonly prefeed?: ReadonlyMap<string, AsyncIterable<SourceMessage>>;
  /** Per connection, the source positions committed before an interruption (resume). */
  readonly alreadyCommitted?: ReadonlyMap<string, CommittedPositions>;
  /** Per connection reading a query in key order, the last key committed before an interruption: it continues after it (resume). */
  readonly resumeFrom?: ReadonlyMap<string, ResumeFrom>;
  /**
   * For a source several processes can read together (`run --join`): what they share of it,
   * passed to its reader as `settings.shared`; undefined reads it alone.
   */
  readonly share?: (c: PlannedConnection, source: Connector, settings: Readonly<Record<string, unknown>>) => Promise<Readonly<Record<string, unknown>> | undefined>;
}

const EMPTY: ConnectionCounts = { read: 0, delivered: 0, parked: 0, filtered: 0 };

export function modeOf(c: PlannedConnection, plan: RunPlan, override: RunMode | undefined): RunMode {
  return (override ?? c.target.props.validation ?? plan.model.defaults.validation ?? FLOW_DEFAULTS.validation) as RunMode;
}

function scheduleOf(c: PlannedConnection, plan: RunPlan, random: () => number): RetrySchedule {
  const retry = (c.target.props.retry ?? plan.model.defaults.retry) as Record<string, unknown> | undefined;
  return RetrySchedule.fromSettings(retry, random);
}

export async function runSession(input: SessionInput): Promise<Map<string, ConnectionResult>> {
  const { plan, ctx, run } = input;
  const planned = plan.connections.filter((c) => run.has(c.id));
  const segment = Date.now().toString(36);
  const results = new Map<string, ConnectionResult>();
  const done = new Map<string, { promise: Promise<ConnectionResult>; resolve: (r: ConnectionResult) => void }>();
  for (const c of planned) {
    let resolve!: (r: ConnectionResult) => void;
    const promise = new Promise<ConnectionResult>((r) => (resolve = r));
    done.set(c.id, { promise, resolve });
  }
  const channels = new Map<string, ReplyChannel>();
  for (const c of planned.filter((p) => p.fedBy.length > 0)) {
    const channel = new ReplyChannel(maxInFlightOf(c.props, ctx.maxInFlight) * 2, (m) => ctx.journal.append({ t: 'committed', connection: c.id, source: m.position }));
    channels.set(c.id, channel);
    // Alongside the feeders, not before them: more earlier replies than the channel holds would wait for a reader that has not started.
    const prefed = feedEarlier(ctx, c.id, channel, input.prefeed?.get(c.id));
    const feeders = c.fedBy.filter((f) => done.has(f)).map((f) => done.get(f)!.promise);
    void Promise.all([prefed, ...feeders]).then(() => channel.end());
  }
  const setStatus = (component: string, status: ComponentStatus, reason?: string): void => {
    ctx.journal.append({ t: 'component', component, status, ...(reason === undefined ? {} : { reason }) });
    ctx.emit({ type: 'component-status', runId: ctx.runId, component, status, ...(reason === undefined ? {} : { reason }) });
  };
  const replyHandler = (c: PlannedConnection) => {
    const downstream = planned.filter((d) => d.fedBy.includes(c.id)).map((d) => channels.get(d.id)!);
    if (downstream.length === 0) return undefined;
    return async (reply: FlowMessage, traceId: string, signal: AbortSignal): Promise<void> => {
      const id = randomUUID();
      ctx.journal.append({ t: 'reply', id, component: c.target.name, traceId, key: reply.key, payload: reply.value.toString('base64'), headers: reply.headers });
      const headers = { ...reply.headers, traceparent: reply.headers.traceparent ?? `00-${traceId}-${id.replace(/-/g, '').slice(0, 16)}-01` };
      for (const channel of downstream) await channel.push({ ...reply, headers, position: `reply:${id}` }, signal);
    };
  };
  const passedOverBy = new Map<string, PassedOver>();
  const passedOver = (id: string): PassedOver => {
    const counts = { tooOften: 0, others: 0 };
    passedOverBy.set(id, counts);
    return counts;
  };
  const runOne = async (c: PlannedConnection): Promise<ConnectionResult> => {
    const upstream = c.waitsFor.filter((w) => done.has(w));
    const waits = await Promise.all(upstream.map((w) => done.get(w)!.promise));
    const failedUpstream = upstream.find((_, i) => waits[i]!.status !== 'succeeded');
    if (failedUpstream) return { status: 'blocked', counts: EMPTY, error: `blocked: ${failedUpstream} did not succeed` };
    if (ctx.stopReading.aborted) return { status: 'stopped', counts: EMPTY };
    setStatus(c.target.name, 'running');
    const mode = modeOf(c, plan, input.modeOverride);
    const override = input.override?.(c);
    let reader: SourceReader | undefined;
    let writer: TargetWriter | undefined;
    try {
      // A fresh consumer group per run segment: a killed executor's member would hold the partitions until its
      // session times out. Alone, where to continue comes from the journal (alreadyCommitted); shared, the new
      // group starts where the previous one's committed offsets got to.
      const resumeFrom = input.resumeFrom?.get(c.id);
      const base = { ...c.props, runId: ctx.runId, connection: c.id, groupId: `flowtracer-${ctx.runId}-${c.index}-${segment}`, resume: input.resume, dryRun: mode === 'dry-run', ...(resumeFrom ? { resumeFrom } : {}) };
      const source = input.connectors.get(c.source.name)!;
      const shared = override || channels.has(c.id) || mode === 'dry-run' || !source.shareSource ? undefined : await input.share?.(c, source, base);
      const settings = shared ? { ...base, shared } : base;
      reader = override?.reader ?? channels.get(c.id) ?? (await openReader(source, c, settings, ctx.signal));
      const deadLetters = override || channels.has(c.id) ? undefined : deadLetterSelectOf(c.props.select);
      if (deadLetters) reader = deadLetterSource(reader, deadLetters, passedOver(c.id), (m) => ctx.log('warn', `${c.id}: ${m.key ?? m.position} was redriven ${deadLetters.maxRedrives} times already: left at ${c.source.name}`, c.source.name));
      if (mode !== 'dry-run') writer = await openWriter(input.connectors.get(c.target.name)!, c, settings, ctx.signal);
      const spans = ctx.telemetry ? hopShapes(ctx, c, source, mode === 'dry-run' ? undefined : input.connectors.get(c.target.name), settings, channels.has(c.id) || override !== undefined) : undefined;
      const validator = typeof c.props.schema === 'string' && mode !== 'off' ? PayloadValidator.fromFile(ctx.flowFile, c.props.schema) : PayloadValidator.none();
      // A Stop ends the sources' reading; a connection fed by a service's replies drains them (until its feeders end).
      const outcome = await runConnection(channels.has(c.id) ? { ...ctx, stopReading: ctx.signal } : ctx, {
        id: c.id, identity: connectionRef(c), target: c.target.name, reader, writer, validator, mode,
        schedule: scheduleOf(c, plan, ctx.random), maxInFlight: maxInFlightOf(c.props, ctx.maxInFlight),
        onReply: replyHandler(c), onSettled: override?.onSettled, alreadyCommitted: input.alreadyCommitted?.get(c.id), ...(spans ? { spans } : {}),
      });
      const passed = passedOverBy.get(c.id);
      if (passed && (passed.tooOften > 0 || passed.others > 0)) ctx.log('info', `${c.id}: left at ${c.source.name}: ${passed.others} other message${passed.others === 1 ? '' : 's'}, ${passed.tooOften} redriven too often`, c.source.name);
      if (outcome.error) return { status: 'failed', counts: outcome.counts, error: outcome.error };
      // Stopped: what it committed counts; a resume reads the rest.
      if (ctx.stopReading.aborted) return { status: 'stopped', counts: outcome.counts };
      return { status: outcome.counts.parked > 0 ? 'failed' : 'succeeded', counts: outcome.counts, ...(outcome.counts.parked > 0 ? { error: `${outcome.counts.parked} message${outcome.counts.parked === 1 ? '' : 's'} parked` } : {}) };
    } catch (error) {
      if (ctx.signal.aborted) return { status: 'stopped', counts: EMPTY };
      return { status: 'failed', counts: EMPTY, error: ctx.redactor.redact((error as Error).message) };
    } finally {
      await Promise.allSettled([reader && !channels.has(c.id) && !override ? reader.close() : undefined, writer?.close()]);
    }
  };
  await Promise.all(
    planned.map(async (c) => {
      const result = await runOne(c);
      results.set(c.id, result);
      ctx.journal.append({ t: 'connection', connection: c.id, status: result.status, ...(result.error ? { reason: result.error } : {}) });
      if (result.error) ctx.log(result.status === 'blocked' ? 'warn' : 'error', `${c.id}: ${result.error}`, c.target.name);
      done.get(c.id)!.resolve(result);
    }),
  );
  for (const component of new Set(planned.map((c) => c.target.name))) {
    const inbound = planned.filter((c) => c.target.name === component).map((c) => results.get(c.id)!);
    const worst = inbound.find((r) => r.status === 'failed') ?? inbound.find((r) => r.status === 'stopped') ?? inbound.find((r) => r.status === 'blocked');
    setStatus(component, worst ? (worst.status === 'stopped' ? 'skipped' : worst.status) : 'succeeded', worst?.error);
  }
  await ctx.journal.flush();
  return results;
}

/** Pushes a fed connection's earlier replies into its channel; failing to read them fails the connection (a resume feeds them again). */
async function feedEarlier(ctx: RunContext, connection: string, channel: ReplyChannel, replies: AsyncIterable<SourceMessage> | undefined): Promise<void> {
  if (!replies) return;
  try {
    for await (const m of replies) {
      if (ctx.signal.aborted) return;
      await channel.push(m, ctx.signal);
    }
  } catch (error) {
    channel.fail(new Error(`${connection}: the replies journaled earlier cannot be read: ${(error as Error).message}`));
  }
}

/**
 * How a connection's hops look to a tracing system: its source's and target's connectors say
 * (messaging, HTTP, database conventions). Replies of a service and parked messages being retried
 * are not read from the source component: they get a span of their own kind.
 */
function hopShapes(ctx: RunContext, c: PlannedConnection, source: Connector, target: Connector | undefined, settings: Readonly<Record<string, unknown>>, notFromSource: boolean): HopShapes {
  const generic = (what: string) => ({ name: `process ${what}`, kind: 'consumer' as const, attributes: { 'flowtracer.component': c.source.name } });
  const sourceShape = notFromSource ? generic(c.source.type === 'service' ? `${c.source.name} reply` : `${c.source.name} parked`) : (source.spanShape?.('source', settings) ?? generic(c.source.name));
  const targetShape = target && (target.spanShape?.('target', settings) ?? { name: `send ${c.target.name}`, kind: 'producer' as const, attributes: { 'flowtracer.component': c.target.name } });
  return { runId: ctx.runId, connection: c.id, source: sourceShape, ...(targetShape ? { target: targetShape } : {}), redact: (text) => ctx.redactor.redact(text) };
}

async function openReader(connector: Connector, c: PlannedConnection, settings: Record<string, unknown>, signal: AbortSignal): Promise<SourceReader> {
  if (!connector.openReader) throw new Error(`${c.source.name} (${c.source.type}) cannot be read as a source`);
  return connector.openReader(settings, signal);
}

async function openWriter(connector: Connector, c: PlannedConnection, settings: Record<string, unknown>, signal: AbortSignal): Promise<TargetWriter> {
  if (!connector.openWriter) throw new Error(`${c.target.name} (${c.target.type}) cannot be written to`);
  return connector.openWriter(settings, signal);
}
