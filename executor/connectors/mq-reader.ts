// Reads a queue with manual acks, consuming with prefetch (`until: empty`: as many as the queue held at the start); reopens its channel when the connection is lost.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Channel, ConsumeMessage } from 'amqplib';
import type { RetrySchedule } from '../retry-schedule';
import { ConnectorError, type SourceMessage, type SourceReader } from './connector';
import { connectorError } from './connector-errors';

type Delivered = ConsumeMessage;

/**
 * How long a drain (`until: empty`) waits for a delivery before it asks the broker whether the queue
 * ran dry before the count at the start was reached (another consumer took messages, they expired or were purged).
 */
const DRY_CHECK_AFTER_MS = 250;

/** What `commit` answers without a round trip: a message this reader holds no delivery of, or one whose channel was lost (requeued). */
const NOTHING_TO_ACK: Promise<void> = Promise.resolve();
const LOST: Promise<false> = Promise.resolve(false);

/** Opens a channel on a live connection, with the prefetch set and the queue declared. */
export type ChannelOpener = (signal: AbortSignal) => Promise<Channel>;

/** One channel and what the broker delivered on it; delivery tags mean nothing on any other channel. */
interface Link {
  readonly channel: Channel;
  /** In every position read on this channel: positions stay unique across channels and run segments. */
  readonly id: string;
  /** Closed under us (the connection dropped): the broker requeued whatever it had not seen acked. */
  lost: boolean;
  /** Closed by a channel error (a protocol or queue problem): not worth reopening. */
  error?: Error;
  consumerTag?: string;
  readonly buffer: Delivered[];
  /** Messages yielded from this channel, and those acked on it (sent: the broker may not have processed them). */
  yielded: number;
  acksSent: number;
  /** Acked messages no round trip has confirmed yet: if the channel is lost now, the broker may deliver them again. */
  readonly unconfirmed: Set<Delivered>;
  /** A round trip after a group of acks: once it returns, the broker processed them (AMQP acks have no reply). */
  sync?: Promise<void | false>;
  /** Committed since the last group of acks went out, in commit order: sent together in the next tick. */
  readonly toAck: Delivered[];
  /** Every delivery tag up to this one is acked (or was sent an ack): a group continuing it goes as one `multiple` ack. */
  ackedTo: number;
  /** Released and held unacked until close: while any is, an ack with `multiple` would take it too, so acks go one by one. */
  held: number;
}

/** The same message delivered again: RabbitMQ marks it redelivered and keeps its id and body. */
function sameMessage(a: Delivered, b: Delivered): boolean {
  return a.properties.messageId === b.properties.messageId && a.content.equals(b.content);
}

/** AMQP headers as text: strings as they are, anything else (x-death's tables, numbers) as JSON. */
export function amqpHeaderText(raw: Readonly<Record<string, unknown>> | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  // Own names only, as Object.entries gives them, without an array a header: this runs for every message read.
  for (const name in raw) {
    if (!Object.hasOwn(raw, name)) continue;
    const value = raw[name];
    headers[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return headers;
}

function toSource(message: Delivered, position: string): SourceMessage {
  return { key: (message.properties.messageId as string | undefined) ?? null, value: message.content, headers: amqpHeaderText(message.properties.headers as Record<string, unknown> | undefined), position };
}

export interface MqReaderOptions {
  readonly queue: string;
  readonly prefetch: number;
  readonly select: { readonly limit?: number; readonly until?: string };
  /** When and how often to reopen a lost channel: the component's retry strategy. */
  readonly reconnect: RetrySchedule;
  /** A dry run releases what it read and holds it unacked until close: the consumer's prefetch must cover the whole bound. */
  readonly dryRun?: boolean;
}

export class MqReader implements SourceReader {
  private link: Link;
  private readonly unacked = new Map<string, { readonly link: Link; readonly delivered: Delivered }>();
  /** Released messages stay unacked until close, so this run (a dry run) never reads them twice. */
  private readonly released: { readonly link: Link; readonly delivered: Delivered }[] = [];
  /** Messages taken towards the `limit`: a lost channel gives back those the broker requeued. */
  private taken = 0;
  /** Acked on a lost channel without confirmation: each one that comes back redelivered is given back to the limit. */
  private readonly maybeAcked: Delivered[] = [];
  private wake: (() => void) | undefined;
  private failure: ConnectorError | undefined;
  private closing = false;

  constructor(
    private readonly component: string,
    private readonly open: ChannelOpener,
    private readonly options: MqReaderOptions,
    first: Channel,
  ) {
    this.link = this.attach(first);
  }

  private attach(channel: Channel): Link {
    const link: Link = { channel, id: randomBytes(4).toString('hex'), lost: false, buffer: [], yielded: 0, acksSent: 0, unconfirmed: new Set(), toAck: [], ackedTo: 0, held: 0 };
    channel.on('error', (error: Error) => (link.error ??= error));
    channel.on('close', () => {
      if (this.closing) return;
      if (link.error) {
        this.failure ??= connectorError(this.component, `the channel to queue ${this.options.queue} closed`, link.error);
      } else {
        link.lost = true;
        // Everything read on this channel and never acked is back on the queue: it counts towards the limit again.
        // An ack the broker may or may not have processed counts again only if its message comes back.
        this.taken -= link.yielded - link.acksSent;
        this.maybeAcked.push(...link.unconfirmed);
        link.buffer.splice(0);
      }
      this.wake?.();
    });
    return link;
  }

  /** The current channel, reopened with the component's retry strategy after a loss; throws once it gives up. */
  private async live(signal: AbortSignal): Promise<Link> {
    const started = Date.now();
    for (let attempt = 1; this.link.lost; attempt++) {
      try {
        this.link = this.attach(await this.open(signal));
      } catch (error) {
        if (signal.aborted) throw error;
        const decision = this.options.reconnect.next(attempt, error, Date.now() - started);
        if ('giveUp' in decision) {
          const why = error instanceof Error ? error.message : String(error);
          throw new ConnectorError(`component ${this.component}: lost the channel to queue ${this.options.queue} and could not reopen it (${attempt} attempt${attempt === 1 ? '' : 's'}): ${why}`, 'connection', { cause: error });
        }
        await sleep(decision.waitMs, undefined, { signal });
      }
    }
    return this.link;
  }

  /**
   * The next message on the link: `undefined` when there is none yet (or the link was lost), `false`
   * when a drain found the queue empty before its count was reached.
   */
  private async next(link: Link, signal: AbortSignal, bound: number): Promise<Delivered | undefined | false> {
    if (!link.consumerTag) {
      // A dry run holds every message it read until close: with only `prefetch` of them the broker would stop delivering.
      if (this.options.dryRun && Number.isFinite(bound)) await link.channel.prefetch(Math.max(this.options.prefetch, bound - this.taken));
      link.consumerTag = (
        await link.channel.consume(this.options.queue, (message) => {
          if (message) link.buffer.push(message);
          else this.failure ??= new ConnectorError(`component ${this.component}: the broker cancelled the consumer of queue ${this.options.queue} (was it deleted?)`, 'connection');
          this.wake?.();
        }, { noAck: false })
      ).consumerTag;
    }
    const message = link.buffer.shift();
    if (message || link.lost || this.failure || signal.aborted) return message;
    const drain = this.options.select.until === 'empty';
    let idle = false;
    await new Promise<void>((resolve) => {
      const timer = drain ? setTimeout(() => {
        idle = true;
        resolve();
      }, DRY_CHECK_AFTER_MS) : undefined;
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    if (idle && (await this.ranDry(link))) return false;
    return link.buffer.shift();
  }

  /**
   * The queue holds nothing ready and nothing is on its way to this consumer. Two round trips on the
   * consumer's channel: the broker sends a channel's deliveries in order, so whatever it delivered before
   * it answered the first has arrived before the second answer.
   */
  private async ranDry(link: Link): Promise<boolean> {
    for (let round = 0; round < 2; round++) {
      const { messageCount } = await link.channel.checkQueue(this.options.queue);
      if (messageCount > 0 || link.buffer.length > 0 || link.lost) return false;
    }
    return true;
  }

  async *messages(signal: AbortSignal): AsyncIterable<SourceMessage> {
    let limit = this.options.select.limit ?? Infinity;
    // `until: empty` moves the messages the queue held when the reading started, as RabbitMQ's Shovel does with
    // `src-delete-after: queue-length`: those published meanwhile stay for the next run, so a drain always ends.
    let counted = this.options.select.until !== 'empty';
    const onAbort = () => this.wake?.();
    signal.addEventListener('abort', onAbort);
    try {
      while (this.taken < limit && !signal.aborted) {
        if (this.failure) throw this.failure;
        // A live channel with a delivery waiting (the common case, with a prefetch) takes no await: no promise a message.
        const link = this.link.lost ? await this.live(signal) : this.link;
        let message: Delivered | undefined | false;
        try {
          if (!counted) {
            limit = Math.min(limit, (await link.channel.checkQueue(this.options.queue)).messageCount);
            counted = true;
            continue;
          }
          message = link.consumerTag !== undefined && link.buffer.length > 0 ? link.buffer.shift() : await this.next(link, signal, limit);
        } catch (error) {
          if (link.lost || this.failure) continue; // the channel closed under the call: reopen it, or report why
          throw error;
        }
        if (message === false) return; // the queue ran dry before the count: `until: empty` is reached all the same
        if (!message || link.lost) continue;
        if (message.fields.redelivered) this.takeBack(message);
        const position = `${link.id}:${message.fields.deliveryTag}`;
        this.unacked.set(position, { link, delivered: message });
        link.yielded += 1;
        this.taken += 1;
        yield toSource(message, position);
      }
    } catch (error) {
      if (signal.aborted && !(error instanceof ConnectorError)) return;
      throw connectorError(this.component, `consuming queue ${this.options.queue} failed`, error);
    } finally {
      signal.removeEventListener('abort', onAbort);
      const link = this.link;
      if (link.consumerTag && !link.lost) await link.channel.cancel(link.consumerTag).catch(() => undefined);
      // Prefetched messages past the limit (or the count of a drain) go back to the queue.
      for (const extra of link.buffer.splice(0)) if (!link.lost) link.channel.nack(extra, false, true);
    }
  }

  /** A message acked on a lost channel came back: the ack never reached the broker, so it is not taken twice. */
  private takeBack(message: Delivered): void {
    const index = this.maybeAcked.findIndex((earlier) => sameMessage(earlier, message));
    if (index < 0) return;
    this.maybeAcked.splice(index, 1);
    this.taken -= 1;
  }

  private take(message: SourceMessage): { readonly link: Link; readonly delivered: Delivered } | undefined {
    const entry = this.unacked.get(message.position);
    if (!entry) return undefined;
    this.unacked.delete(message.position);
    this.wake?.();
    return entry;
  }

  /**
   * Acks the message once the broker is known to have processed the ack. Resolves `false` when the
   * channel it came on was lost first: the broker requeued it and delivers it again (an in-doubt duplicate).
   */
  commit(message: SourceMessage): Promise<void | false> {
    // Not async: the commits of one tick share their sync's promise, and need none of their own.
    const entry = this.take(message);
    if (!entry) return NOTHING_TO_ACK;
    const { link, delivered } = entry;
    if (link.lost) return LOST;
    if (this.failure) return Promise.reject(this.failure);
    link.toAck.push(delivered);
    link.acksSent += 1;
    link.unconfirmed.add(delivered);
    return this.synced(link);
  }

  /**
   * Sends the acks of the messages committed since the last group. Commits come in read order, and
   * the broker numbers a channel's deliveries 1, 2, 3… in the order they are read: when the group
   * continues the tags acked so far without a gap and nothing is held unacked below it, every tag up
   * to its last one is committed, and one ack with `multiple` says so. Otherwise each goes alone.
   */
  private sendAcks(link: Link): void {
    const group = link.toAck.splice(0);
    let next = link.ackedTo + 1;
    const contiguous = link.held === 0 && group.every((d) => d.fields.deliveryTag === next++);
    if (contiguous && group.length > 0) {
      link.channel.ack(group[group.length - 1]!, true);
      link.ackedTo = next - 1;
      return;
    }
    // A gap (a held message, or a commit out of read order): from here on this channel acks one by one.
    link.ackedTo = -Infinity;
    for (const delivered of group) link.channel.ack(delivered);
  }

  /** One round trip for every ack sent in the same tick: the broker handles a channel's frames in order. */
  private synced(link: Link): Promise<void | false> {
    link.sync ??= new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      link.sync = undefined;
      if (link.lost) return false;
      const covered = [...link.unconfirmed];
      try {
        this.sendAcks(link);
        await link.channel.checkQueue(this.options.queue);
        for (const delivered of covered) link.unconfirmed.delete(delivered);
        return undefined;
      } catch {
        return false;
      }
    });
    return link.sync;
  }

  async release(message: SourceMessage): Promise<void> {
    const entry = this.take(message);
    if (!entry) return;
    if (this.failure) throw this.failure;
    entry.link.held += 1;
    this.released.push(entry);
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const { link, delivered } of this.released.splice(0)) {
      if (link.lost) continue; // RabbitMQ requeued whatever a lost channel had delivered unacked
      try {
        link.channel.nack(delivered, false, true);
      } catch {
        // The channel is gone: the broker requeues it.
      }
    }
    if (!this.link.lost) await this.link.channel.close().catch(() => undefined);
  }
}
