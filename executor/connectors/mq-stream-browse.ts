// A read-only look at a RabbitMQ stream queue: a consumer from a stream offset (a stream keeps every message; acks only grant credit), ended when nothing more arrives.
import type { Channel, ConsumeMessage } from 'amqplib';
import { parseKafkaPosition } from '../../flow/kafka-positions';
import { ConnectorError, type Browse, type BrowsedMessage, type BrowseOptions } from './connector';
import { amqpHeaderText } from './mq-reader';

/** A stream has no end to read to: the browse ends once no message came for this long. */
export const STREAM_IDLE_MS = 1000;
const STREAM_OFFSET_HEADER = 'x-stream-offset';

/** What RabbitMQ answers a `basic.get` on a stream queue with (it closes the connection: 540). */
export function isStreamGetRefusal(error: unknown): boolean {
  return error instanceof Error && /not supported by stream queues/.test(error.message);
}

/** Where a stream browse starts (`x-stream-offset`): the first message, an offset, a time (the chunk that holds it), or the last chunk. */
export function streamOffset(from: string | undefined): 'first' | 'last' | number | Date {
  if (from === undefined) return 'first';
  const position = parseKafkaPosition(from);
  if (!position) throw new ConnectorError(`a stream is browsed from earliest, latest, an offset or a time, not '${from}'`, 'validation');
  if (position.kind === 'earliest') return 'first';
  if (position.kind === 'end') return 'last';
  if (position.kind === 'offset') return Number(position.offset);
  return new Date(position.ms);
}

/** Deliveries as an async queue: the consumer pushes, the browse pulls (at most the prefetch are ever held). */
class Deliveries {
  private readonly ready: ConsumeMessage[] = [];
  private wake: (() => void) | undefined;
  ended = false;

  push(message: ConsumeMessage | null): void {
    if (message) this.ready.push(message);
    else this.ended = true; // the broker cancelled the consumer (the queue was deleted)
    this.wake?.();
  }

  /** The next delivery, or undefined once the stream was idle for `idleMs` (or the consumer ended). */
  async next(idleMs: number, signal: AbortSignal): Promise<ConsumeMessage | undefined> {
    while (this.ready.length === 0 && !this.ended && !signal.aborted) {
      const arrived = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), idleMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
      this.wake = undefined;
      if (!arrived) return undefined;
    }
    return this.ready.shift();
  }
}

/**
 * Reads up to `limit` messages of the stream from `from` and ends when the stream was idle for
 * STREAM_IDLE_MS. Nothing changes: a stream keeps its messages whatever a consumer acks, and no
 * message is marked redelivered. A message's position is its stream offset (`queue@offset`).
 */
export function openStreamBrowse(queue: string, channel: Channel, options: BrowseOptions): Browse {
  let read = 0;
  let first: number | undefined;
  let last: number | undefined;
  let consumerTag: string | undefined;
  return {
    async *messages(signal: AbortSignal): AsyncIterable<BrowsedMessage> {
      const deliveries = new Deliveries();
      // A stream consumer needs a prefetch; acks only give the credit back.
      await channel.prefetch(Math.min(Math.max(options.limit, 1), 1000));
      ({ consumerTag } = await channel.consume(queue, (m) => deliveries.push(m), { noAck: false, arguments: { 'x-stream-offset': streamOffset(options.from) } }));
      while (read < options.limit && !signal.aborted) {
        const message = await deliveries.next(STREAM_IDLE_MS, signal);
        if (!message) return;
        channel.ack(message);
        read += 1;
        const { [STREAM_OFFSET_HEADER]: offset, ...headers } = (message.properties.headers ?? {}) as Record<string, unknown>;
        const at = typeof offset === 'number' ? offset : read - 1;
        first ??= at;
        last = at;
        const timestamp = message.properties.timestamp as number | undefined;
        yield {
          key: (message.properties.messageId as string | undefined) ?? null,
          value: message.content,
          headers: amqpHeaderText(headers),
          position: `${queue}@${at}`,
          offset: String(at),
          exchange: message.fields.exchange,
          routingKey: message.fields.routingKey,
          ...(timestamp !== undefined ? { timestamp: new Date(timestamp * 1000).toISOString() } : {}),
        };
      }
    },
    async close(): Promise<string | undefined> {
      if (consumerTag) await channel.cancel(consumerTag).catch(() => undefined);
      await channel.close().catch(() => undefined);
      return read > 0 ? `read ${read} message${read === 1 ? '' : 's'} of stream ${queue} (offsets ${first}–${last}); a stream keeps its messages, none is marked redelivered` : undefined;
    },
  };
}
