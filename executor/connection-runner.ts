// Runs one connection: source reader -> (validate, trace) -> target writer, bounded in flight, commit after confirm + flush.
import type { ConnectionCounts, ConnectionIdentity, RunMode } from '../protocol/executor-events';
import { ConnectorError, type FlowMessage, type SourceMessage, type SourceReader, type TargetWriter, type Delivery } from './connectors/connector';
import { abortReason } from './clock';
import type { PayloadValidator } from './payload-validation';
import { KeyOrder } from './key-order';
import { errorClassOf, RetriesExhausted, retryingAfter, type RetrySchedule } from './retry-schedule';
import type { RunContext } from './run-context';
import type { NewJournalRecord } from '../protocol/journal-records';
import { NO_TELEMETRY, type HopShapes, type HopSpan } from './telemetry/hop-telemetry';
import { newTraceSeed, parseTraceparent, withTraceparent } from './tracing';
import { derivedTraceId } from '../protocol/journal-batches';
import { WriteSlots } from './write-slots';

export interface ConnectionJob {
  readonly id: string;
  /** What the events say about which connection this is (the journal's records use `id`, defined in run-start). */
  readonly identity: ConnectionIdentity;
  /** The target component's name: where parked messages belong. */
  readonly target: string;
  readonly reader: SourceReader;
  /** Absent in dry-run: nothing is written anywhere. */
  readonly writer: TargetWriter | undefined;
  readonly validator: PayloadValidator;
  readonly schedule: RetrySchedule;
  readonly maxInFlight: number;
  /** This connection's validation mode (the run's `--mode`, else the target's, else the flow default). */
  readonly mode: RunMode;
  /** Called once a message is settled, before its position is committed (retry marks parked ones resolved). */
  readonly onSettled?: (message: SourceMessage, outcome: Settled) => void;
  /** Source positions this run committed before it was interrupted: a resume commits them again, delivers nothing. */
  readonly alreadyCommitted?: { has(position: string): boolean };
  /** A service's reply to a delivered message, passed on to its downstream connections. */
  readonly onReply?: (reply: FlowMessage, traceId: string, signal: AbortSignal) => Promise<void>;
  /** How its hops look as spans (when the run is traced). */
  readonly spans?: HopShapes;
}

export interface ConnectionOutcome {
  readonly counts: ConnectionCounts;
  /** The reader or writer failed as a whole (not one message): the message says why. */
  readonly error?: string;
}

export type Settled = 'delivered' | 'parked' | 'filtered';

type DeliveredRecord = Extract<NewJournalRecord, { t: 'delivered' }>;

/** `skipped`: committed by an earlier segment; `unsent`: the run was stopped before it was written. */
type Outcome = Settled | 'skipped' | 'unsent';

interface InFlight {
  readonly message: SourceMessage;
  readonly settled: Promise<Outcome>;
  /** Set once `settled` resolved, so that the settler can take every ready message in one batch. */
  outcome?: Outcome;
}

function track(message: SourceMessage, settled: Promise<Outcome>): InFlight {
  const entry: InFlight = { message, settled };
  settled.then((o) => (entry.outcome = o), ignored);
  return entry;
}

/** A rejection seen elsewhere (the settler awaits `settled` itself). */
const ignored = (): undefined => undefined;

/**
 * How many messages a connection may hold in all, as a multiple of `maxInFlight` (the ones written
 * and not yet confirmed): the others wait for their in-flight record's fsync, or, confirmed, for the
 * journal flush and the source commit. Without this room, fsyncs and commit round trips would eat
 * into the writes' window.
 */
const WINDOW_PER_IN_FLIGHT = 4;

export async function runConnection(ctx: RunContext, job: ConnectionJob): Promise<ConnectionOutcome> {
  // A message that comes without a trace gets one derived from this and its position: batch records need not store it.
  const traceSeed = newTraceSeed();
  const counts = { read: 0, delivered: 0, parked: 0, filtered: 0 };
  const window: InFlight[] = [];
  const slots = new WriteSlots(job.maxInFlight);
  const turns = new KeyOrder();
  const started = ctx.clock.now();
  let lastProgress = 0;
  const progress = (force = false): void => {
    const now = ctx.clock.now();
    if (!force && now - lastProgress < 250) return;
    lastProgress = now;
    ctx.emit({ type: 'connection-progress', runId: ctx.runId, connection: job.id, ...job.identity, counts: { ...counts }, elapsedMs: now - started });
  };
  // Settles messages in read order: journal flushed, then the source position committed. It runs
  // alongside the reading loop, so that a source with a prefetch limit (AMQP) is acked as it goes.
  let readingDone = false;
  let wake: (() => void) | undefined;
  let roomFreed: (() => void) | undefined;
  // The commits sent so far, in read order. A batch's commits go out as soon as its flush is done, without
  // waiting for the round trip that confirms the previous batch's (an AMQP ack's sync, a Kafka offset commit).
  let committing: Promise<void> = Promise.resolve();
  // A failed commit wakes the settler's wait, which then fails. Never a Promise.race with a promise that stays
  // pending for the run: each race leaves a reaction on it until it settles (~300 B a wait, held to the end).
  let commitFailure: { readonly error: unknown } | undefined;
  let interrupt: (() => void) | undefined;
  const failCommits = (error: unknown): void => {
    commitFailure ??= { error };
    interrupt?.();
  };
  const throwIfCommitFailed = (): void => {
    if (commitFailure) throw commitFailure.error;
  };
  const settler = (async (): Promise<void> => {
    for (;;) {
      throwIfCommitFailed();
      const head = window[0];
      if (!head) {
        if (readingDone) return await committing;
        await new Promise<void>((resolve) => (wake = interrupt = resolve));
        continue;
      }
      if (head.outcome === undefined) {
        await new Promise<void>((resolve) => {
          const done = (): void => resolve();
          interrupt = done;
          head.settled.then(done, done);
        });
        throwIfCommitFailed();
        // Still unset: its delivery failed as a whole (the run aborted, the journal failed), and so does the settler.
        if (head.outcome === undefined) await head.settled;
      }
      if (head.outcome === 'unsent') {
        // Stopped: commits go in read order, so none from here on. Those written get the grace to finish (journaled, in doubt).
        await Promise.allSettled(window.map((w) => w.settled));
        counts.read -= window.filter((w) => w.outcome !== 'skipped').length;
        window.splice(0);
        return await committing;
      }
      // Every consecutive settled message goes in one batch: one journal fsync, then the commits in order.
      let ready = 0;
      while (ready < window.length && window[ready]!.outcome !== undefined && window[ready]!.outcome !== 'unsent') ready++;
      const batch = window.slice(0, ready) as (InFlight & { outcome: Settled | 'skipped' })[];
      for (const entry of batch) if (entry.outcome !== 'skipped') job.onSettled?.(entry.message, entry.outcome!);
      await ctx.journal.flush();
      // The batch's commits go out together, so a source can group them (one Kafka offset commit, one AMQP ack with `multiple`).
      const commits: Promise<unknown>[] = [committing];
      for (const entry of batch) commits.push(commitSettled(ctx, job, entry));
      committing = Promise.all(commits).then(() => undefined);
      committing.catch(failCommits);
      for (const entry of batch) if (entry.outcome !== 'skipped') counts[entry.outcome!]++;
      window.splice(0, batch.length);
      roomFreed?.();
      progress();
    }
  })();
  let settlerEnd: { readonly failed: boolean; readonly error?: unknown } | undefined;
  settler.then(
    () => {
      settlerEnd = { failed: false };
      roomFreed?.();
    },
    (error: unknown) => {
      settlerEnd = { failed: true, error };
      roomFreed?.();
    },
  );
  try {
    // A Stop ends the reading at once (`stopReading`); what is in flight gets the grace period to be confirmed and committed.
    for await (const message of job.reader.messages(ctx.stopReading)) {
      if (ctx.stopReading.aborted) break;
      if (job.alreadyCommitted?.has(message.position)) {
        window.push(track(message, Promise.resolve('skipped')));
      } else {
        counts.read++;
        window.push(track(message, deliverOne(ctx, job, message, slots, turns, traceSeed)));
      }
      wake?.();
      // Back-pressure: the reader is not asked for more until the window has room.
      while (window.length >= job.maxInFlight * WINDOW_PER_IN_FLIGHT) {
        if (settlerEnd?.failed) throw settlerEnd.error;
        if (settlerEnd) break;
        await new Promise<void>((resolve) => (roomFreed = resolve));
      }
    }
    readingDone = true;
    wake?.();
    await settler;
    await ctx.journal.flush();
    progress(true);
    return { counts };
  } catch (error) {
    readingDone = true;
    wake?.();
    // Messages still in the window are neither committed nor counted: a resume reads them again.
    await Promise.allSettled([settler, ...window.map((w) => w.settled)]);
    await ctx.journal.flush().catch(() => undefined);
    if (ctx.signal.aborted) throw abortReason(ctx.signal);
    progress(true);
    return { counts, error: ctx.redactor.redact(error instanceof Error ? error.message : String(error)) };
  }
}

/** Commits a settled message's position at its source (releases it in dry-run); the journal says so once the source took it. */
function commitSettled(ctx: RunContext, job: ConnectionJob, entry: InFlight & { outcome: Settled | 'skipped' }): Promise<unknown> {
  try {
    if (job.mode === 'dry-run') return job.reader.release(entry.message);
    const committed = job.reader.commit(entry.message);
    if (entry.outcome === 'skipped') return committed;
    // A source that lost the position (AMQP: the channel dropped) delivers the message again: it stays in doubt.
    return committed.then((c) => {
      if (c !== false) ctx.journal.append({ t: 'committed', connection: job.id, source: entry.message.position });
    });
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Checks and traces one message; one to be written goes on to `writeOne`. Not async itself: a
 * message settled here (filtered, parked by its schema, a dry run) needs no async frame, and
 * `writeOne`'s frame holds only what a write needs.
 */
function deliverOne(ctx: RunContext, job: ConnectionJob, message: SourceMessage, slots: WriteSlots, turns: KeyOrder, traceSeed: string): Promise<Settled | 'unsent'> {
  try {
    // Its hop's span (traced) or just a new span id: the message travels on with the trace continued.
    const incoming = parseTraceparent(message.headers.traceparent);
    const span = (ctx.telemetry ?? NO_TELEMETRY).startHop(job.spans, message, incoming, incoming ? undefined : derivedTraceId(traceSeed, message.position));
    const headers = withTraceparent(message.headers, span.context);
    // Records are written out field by field, in the journal's order (connection, traceId, key, source, t, …): one object each.
    // Not `{ ...fields, t }`: in V8 a spread followed by more properties takes a slow path (~1 µs each).
    const check = job.validator.check(message.value);
    if (!check.valid) {
      if (job.mode === 'warn') ctx.log('warn', `${job.id}: message ${message.key ?? message.position} does not match the schema: ${check.problem}`, job.target);
      if (job.mode === 'dry-run') {
        ctx.journal.append({ connection: job.id, traceId: span.context.traceId, key: message.key, source: message.position, t: 'filtered', reason: `would not pass the schema: ${check.problem}` });
        span.ended('filtered');
        return Promise.resolve('filtered');
      }
      if (job.mode === 'strict') return Promise.resolve(park(ctx, job, message, headers, span, `the payload does not match the schema: ${check.problem}`, undefined, 0));
    }
    if (job.mode === 'dry-run' || !job.writer) {
      ctx.journal.append({ connection: job.id, traceId: span.context.traceId, key: message.key, source: message.position, t: 'delivered', target: 'dry-run' });
      span.delivered(undefined, false);
      return Promise.resolve('delivered');
    }
    if (ctx.stopReading.aborted) {
      span.ended('unsent');
      return Promise.resolve('unsent');
    }
    return writeOne(ctx, job, job.writer, message, headers, span, slots, turns);
  } catch (error) {
    return Promise.reject(error);
  }
}

/** How the retries of a message went, once its first attempt failed. */
interface Retries {
  attempts: number;
  inDoubt: boolean;
}

/**
 * Writes one message: its in-flight record made durable, its turn per key, a write slot, the
 * write, then its delivered record (or parked). Every message goes through here, so it holds no
 * closure (which would cost a context a call) and few locals across its awaits (its async frame
 * holds them all): the retries of a failed first attempt are `retryWrite`'s.
 */
async function writeOne(ctx: RunContext, job: ConnectionJob, writer: TargetWriter, message: SourceMessage, headers: Record<string, string>, span: HopSpan, slots: WriteSlots, turns: KeyOrder): Promise<Settled | 'unsent'> {
  // Its place in line per key (the message key and the key the target orders by) is taken now, in read order.
  const turn = turns.enter([message.key, writer.orderKey?.(message)]);
  ctx.journal.append({ connection: job.id, traceId: span.context.traceId, key: message.key, source: message.position, t: 'in-flight' });
  try {
    // The in-flight record is durable before the target sees the message: duplicates after a kill are attributable.
    await ctx.journal.flush();
    // Then it waits until every earlier message with one of its keys is settled: a retry never lands after a later write of its key.
    if (ctx.signal.aborted || !turn.isNext()) await turn.wait(ctx.signal);
  } catch (error) {
    turn.leave();
    // Stopped (or the journal failed) before it was written: it never reached the target, so it is not in doubt.
    ctx.journal.append({ t: 'unsent', connection: job.id, source: message.position });
    span.ended('unsent');
    throw error;
  }
  const outgoing: FlowMessage = { key: message.key, value: message.value, headers };
  let delivery: Delivery;
  let retries: Retries | undefined;
  // At most maxInFlight messages are written and unconfirmed (retries keep their slot).
  if (!slots.tryAcquire()) await slots.acquire();
  try {
    if (ctx.stopReading.aborted) {
      // Stopped while it waited for a slot: never written, so not in doubt.
      ctx.journal.append({ t: 'unsent', connection: job.id, source: message.position });
      span.ended('unsent');
      return 'unsent';
    }
    const started = ctx.clock.now();
    if (ctx.signal.aborted) throw abortReason(ctx.signal);
    try {
      // The first attempt made here: the retries' closures are built only for a message that needs them.
      delivery = await writer.write(outgoing, ctx.signal);
    } catch (error) {
      retries = { attempts: 1, inDoubt: false };
      delivery = await retryWrite(ctx, job, writer, message, outgoing, span, error, started, retries);
    }
  } catch (error) {
    if (ctx.signal.aborted) {
      span.ended('aborted');
      throw error;
    }
    const reason = error instanceof RetriesExhausted ? error.message : error instanceof Error ? error.message : String(error);
    const cause = error instanceof RetriesExhausted ? error.lastError : error;
    // `retries` was made when the first attempt failed: what reaches here failed at least once.
    return park(ctx, job, message, headers, span, reason, cause, retries?.attempts ?? 1, (retries?.inDoubt ?? false) || unanswered(cause));
  } finally {
    slots.release();
    turn.leave();
  }
  const inDoubt = retries?.inDoubt ?? false;
  const delivered: { -readonly [K in keyof DeliveredRecord]: DeliveredRecord[K] } = { connection: job.id, traceId: span.context.traceId, key: message.key, source: message.position, t: 'delivered', target: delivery.position };
  if (inDoubt) delivered.inDoubt = true;
  if (ctx.payloads === 'all') delivered.payload = message.value.toString('base64');
  ctx.journal.append(delivered);
  if (ctx.deliveredEvents !== false) ctx.emit(Object.assign({ type: 'message-delivered' as const, runId: ctx.runId, connection: job.id, traceId: span.context.traceId, key: message.key, source: message.position }, job.identity, { sourcePosition: message.position, targetPosition: delivery.position }));
  span.delivered(delivery, inDoubt);
  if (delivery.reply && job.onReply) await job.onReply(delivery.reply, span.context.traceId, ctx.signal);
  return 'delivered';
}

/** The retries of a message whose first attempt failed with `error`, by the connection's schedule; `retries` says how they went. */
function retryWrite(ctx: RunContext, job: ConnectionJob, writer: TargetWriter, message: SourceMessage, outgoing: FlowMessage, span: HopSpan, error: unknown, started: number, retries: Retries): Promise<Delivery> {
  return retryingAfter(
    error,
    started,
    (attempt, signal) => {
      retries.attempts = attempt;
      return writer.write(outgoing, signal);
    },
    job.schedule,
    ctx.clock,
    ctx.signal,
    ({ attempt, waitMs, error }) => {
      retries.inDoubt ||= unanswered(error);
      span.retrying(attempt, waitMs, error);
      ctx.emit({ type: 'message-retrying', runId: ctx.runId, connection: job.id, ...job.identity, key: message.key, attempt, waitMs, error: error instanceof Error ? error.message : String(error) });
    },
  );
}

/** A failed attempt without an answer (timeout, lost connection), or one its connector calls in doubt (a gateway's 503), may have reached the target all the same. */
function unanswered(error: unknown): boolean {
  return errorClassOf(error) === 'timeout' || errorClassOf(error) === 'connection' || (error instanceof ConnectorError && error.options.inDoubt === true);
}

/** `cause`: the last attempt's error (its class is the span's `error.type`); undefined when the schema refused the payload. */
function park(ctx: RunContext, job: ConnectionJob, message: SourceMessage, headers: Record<string, string>, span: HopSpan, error: string, cause: unknown, attempts: number, inDoubt = false): Settled {
  const traceId = span.context.traceId;
  const id = `${job.id}@${message.position}`;
  ctx.journal.append({
    t: 'parked', id, connection: job.id, component: job.target, traceId, key: message.key, source: message.position,
    // `journal: { payloads: none }`: the message is parked by its position only, and cannot be retried from the journal.
    ...(ctx.payloads === 'none' ? {} : { payload: message.value.toString('base64'), headers }), error, attempts, ...(inDoubt ? { inDoubt: true as const } : {}),
  });
  ctx.emit({ type: 'message-parked', runId: ctx.runId, connection: job.id, ...job.identity, traceId, key: message.key, sourcePosition: message.position, error, attempts });
  span.parked(error, cause);
  return 'parked';
}
