// Publishes mandatory with publisher confirms; a returned publish fails as unroutable, pending confirms fail when the channel dies (amqplib #191, #419), waits for 'drain' (#398), reopens a lost channel.
import type { ConfirmChannel, Message } from 'amqplib';
import { ConnectorError, type Delivery, type FlowMessage, type TargetWriter } from './connector';
import { abortable, abortedError, connectorError } from './connector-errors';
import { onAbort } from '../abort-watch';
import { publishPersistent } from './amqp-publish-frames';

export interface PublishTarget {
  readonly exchange: string;
  readonly routingKey: string;
  readonly confirmTimeoutMs: number;
}

/** Opens a fresh confirm channel; the publisher calls it again on the next write after a channel was lost. */
export type ConfirmChannelOpener = (signal: AbortSignal) => Promise<ConfirmChannel>;

interface Pending {
  /** The publish's place on its channel, in publish order. */
  readonly sequence: number;
  /** What a `basic.return` carries back, to tell this publish from the others awaiting a confirm. */
  readonly message: FlowMessage;
  /** The run's abort, which ends the wait for this confirm (not the publish: the confirm may still come). */
  readonly signal: AbortSignal;
  readonly resolve: (delivery: Delivery) => void;
  /** Ends the wait (a promise settles once: a later confirm or a second failure changes nothing). */
  readonly reject: (error: ConnectorError) => void;
  /** When its confirm is overdue (`performance.now()`): publish order is deadline order, every publish having the same timeout. */
  readonly deadline: number;
  /** Set when RabbitMQ returned the publish (no queue matched): its confirm, which follows, fails it as unroutable. */
  returned?: ConnectorError;
}

/** One confirm channel and what hangs on it: unconfirmed publishes and the wait for its write buffer to drain. */
interface Link {
  readonly channel: ConfirmChannel;
  /** Unconfirmed publishes in publish order (a Set keeps insertion order). */
  readonly pending: Set<Pending>;
  /** The sequence of the last publish matched to a `basic.return`: returns come in publish order, so the next one is later. */
  lastReturned: number;
  dead?: ConnectorError;
  /** Set while amqplib's write buffer is full (`publish` returned false); settles on 'drain' or close. */
  drained?: { readonly promise: Promise<void>; readonly resolve: () => void };
  /** One timer for the oldest unconfirmed publish's deadline, instead of one per publish. */
  timer?: NodeJS.Timeout;
}

export class MqPublisher implements TargetWriter {
  private link: Link | undefined;
  private opening: Promise<Link> | undefined;
  private closed = false;
  private sequence = 0;
  /** The signals whose abort fails the waits of their publishes: one listener each, not one a publish. */
  private readonly watched = new WeakSet<AbortSignal>();

  constructor(
    private readonly component: string,
    private readonly open: ConfirmChannelOpener,
    private readonly target: PublishTarget,
    first?: ConfirmChannel,
  ) {
    if (first) this.link = this.attach(first);
  }

  private attach(channel: ConfirmChannel): Link {
    const link: Link = { channel, pending: new Set(), lastReturned: 0 };
    const die = (why: string) => (error?: Error) =>
      this.failAll(link, new ConnectorError(`component ${this.component}: the channel ${why} before the broker confirmed${error ? ` (${error.message})` : ''}`, 'connection', { cause: error }));
    channel.on('error', die('failed'));
    channel.on('close', die('closed'));
    channel.on('drain', () => this.wake(link));
    channel.on('return', (returned: Message) => this.returned(link, returned));
    return link;
  }

  /**
   * RabbitMQ sends a publish's `basic.return` before its `basic.ack`, and returns in publish order;
   * but an earlier routed publish may still await its ack (a durable queue's fsync), so the oldest
   * pending publish is not necessarily the returned one. The returned one is the first later than the
   * last match whose body, key and headers (its `traceparent` is unique per message) are the ones returned.
   */
  private returned(link: Link, returned: Message): void {
    for (const pending of link.pending) {
      if (pending.sequence <= link.lastReturned || pending.returned || !sameMessage(pending.message, returned)) continue;
      link.lastReturned = pending.sequence;
      pending.returned = this.unroutable(returned);
      return;
    }
  }

  private unroutable(returned: Message): ConnectorError {
    const { exchange, routingKey } = this.target;
    const fields = returned.fields as unknown as { readonly replyCode?: number; readonly replyText?: string };
    const code = fields.replyCode === undefined ? '' : `: ${`${fields.replyCode} ${fields.replyText ?? ''}`.trim()}`;
    const where = exchange
      ? `exchange ${exchange} has no queue bound for routing key ${routingKey}`
      : `no queue named ${routingKey} exists for the default exchange to route to`;
    const remedy = exchange ? 'bind a queue' : 'declare the queue';
    return new ConnectorError(`component ${this.component}: unroutable: ${where} (RabbitMQ returned the message${code}); ${remedy}, then \`flowtracer retry\` delivers it`, 'unroutable');
  }

  private failAll(link: Link, error: ConnectorError): void {
    link.dead ??= error;
    clearTimeout(link.timer);
    link.timer = undefined;
    for (const pending of link.pending) pending.reject(error);
    link.pending.clear();
    // Writers waiting for 'drain' wake up, see the dead channel and publish on a new one.
    this.wake(link);
  }

  /** Arms the link's timer for its oldest unconfirmed publish, unless it is armed. */
  private watchDeadlines(link: Link): void {
    if (link.timer || link.dead) return;
    const oldest = link.pending.values().next();
    if (oldest.done) return;
    link.timer = setTimeout(() => {
      link.timer = undefined;
      const now = performance.now();
      for (const pending of link.pending) {
        if (pending.deadline > now) break;
        link.pending.delete(pending);
        pending.reject(new ConnectorError(`component ${this.component}: no publisher confirm within ${this.target.confirmTimeoutMs} ms`, 'timeout'));
      }
      this.watchDeadlines(link);
    }, Math.max(0, oldest.value.deadline - performance.now()));
  }

  private wake(link: Link): void {
    const drained = link.drained;
    link.drained = undefined;
    drained?.resolve();
  }

  /** Waits out what stops a publish now: a lost channel is reopened, a full write buffer drains. */
  private async unblock(signal: AbortSignal): Promise<void> {
    const link = this.current();
    if (!link) await this.reopen(signal);
    else if (link.drained) await abortable(this.component, link.drained.promise, signal);
  }

  /** The live channel, if there is one (no await: the caller publishes right away). */
  private current(): Link | undefined {
    if (this.closed) throw new ConnectorError(`component ${this.component}: the publisher is closed`, 'connection');
    return this.link && !this.link.dead ? this.link : undefined;
  }

  private reopen(signal: AbortSignal): Promise<Link> {
    this.opening ??= this.open(signal).then(
      (channel) => {
        this.opening = undefined;
        if (this.closed) {
          void channel.close().catch(() => undefined);
          throw new ConnectorError(`component ${this.component}: the publisher is closed`, 'connection');
        }
        this.link = this.attach(channel);
        return this.link;
      },
      (error: unknown) => {
        this.opening = undefined;
        throw connectorError(this.component, 'could not reopen the channel to publish on', error);
      },
    );
    return abortable(this.component, this.opening, signal);
  }

  write(message: FlowMessage, signal: AbortSignal): Promise<Delivery> {
    // Not async: a publish that finds its channel ready goes out now, with one promise (its confirm's).
    let link: Link | undefined;
    try {
      link = this.current();
    } catch (error) {
      return Promise.reject(error);
    }
    if (!link || link.drained) return this.unblock(signal).then(() => this.write(message, signal));
    return this.publish(link, message, signal);
  }

  /** Publishes on a live channel with room; the last check (`write`) and the publish run with no await between them. */
  private publish(link: Link, message: FlowMessage, signal: AbortSignal): Promise<Delivery> {
    const sequence = (this.sequence += 1);
    this.watchAbort(signal);
    return new Promise<Delivery>((resolve, reject) => {
      const pending: Pending = { sequence, message, signal, resolve, reject, deadline: performance.now() + this.target.confirmTimeoutMs };
      link.pending.add(pending);
      this.watchDeadlines(link);
      try {
        // mandatory: a publish no queue takes comes back as `basic.return` instead of being confirmed and dropped.
        const { exchange, routingKey } = this.target;
        const room = publishPersistent(link.channel, { exchange, routingKey, headers: message.headers, messageId: message.key ?? undefined, content: message.value }, (error: unknown) => this.confirmed(link, pending, error));
        // amqplib buffers without limit once its write buffer is full (#398): later writes wait for 'drain'.
        if (!room && !link.dead && !link.drained) {
          let resolve!: () => void;
          const promise = new Promise<void>((r) => (resolve = r));
          link.drained = { promise, resolve };
        }
      } catch (error) {
        this.confirmed(link, pending, error ?? new Error('publish failed'));
      }
      if (signal.aborted) reject(abortedError(this.component));
    });
  }

  /** The broker's answer to a publish (its confirm, or the error amqplib gives it): settles the wait once. */
  private confirmed(link: Link, pending: Pending, error: unknown): void {
    if (!link.pending.delete(pending)) return;
    if (link.pending.size === 0) {
      // Nothing left to time out: no timer holds the process.
      clearTimeout(link.timer);
      link.timer = undefined;
    }
    if (pending.returned) pending.reject(pending.returned);
    else if (error) pending.reject(new ConnectorError(`component ${this.component}: the broker did not confirm the message (${error instanceof Error ? error.message : 'nack'})`, 'connection', { cause: error }));
    else pending.resolve({ position: `${this.target.exchange || '(default)'}/${this.target.routingKey}#${pending.sequence}` });
  }

  /** The run's abort ends the waits of the publishes made under it, not the publishes: their confirms may still come (in doubt). */
  private watchAbort(signal: AbortSignal): void {
    if (this.watched.has(signal)) return;
    this.watched.add(signal);
    onAbort(signal, () => {
      for (const pending of this.link?.pending ?? []) if (pending.signal === signal) pending.reject(abortedError(this.component));
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const link = this.link;
    if (link && !link.dead) await link.channel.close().catch(() => undefined);
  }
}

/** Whether a returned message is this one: same body, same key, same headers. */
function sameMessage(sent: FlowMessage, returned: Message): boolean {
  if ((returned.properties.messageId as string | undefined) !== (sent.key ?? undefined) || !returned.content.equals(sent.value)) return false;
  const headers = (returned.properties.headers ?? {}) as Record<string, unknown>;
  const names = Object.keys(sent.headers);
  return names.length === Object.keys(headers).length && names.every((name) => String(headers[name]) === sent.headers[name]);
}
