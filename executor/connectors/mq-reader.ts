// Reads a queue with manual acks: consume with prefetch, or a bounded get-loop for `until: empty`.
import type { Channel, ConsumeMessage, GetMessage } from 'amqplib';
import { ConnectorError, type SourceMessage, type SourceReader } from './connector';
import { connectorError } from './connector-errors';

type Delivered = ConsumeMessage | GetMessage;

function toSource(message: Delivered): SourceMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.properties.headers ?? {})) headers[name] = typeof value === 'string' ? value : JSON.stringify(value);
  return { key: (message.properties.messageId as string | undefined) ?? null, value: message.content, headers, position: String(message.fields.deliveryTag) };
}

export class MqReader implements SourceReader {
  private readonly unacked = new Map<string, Delivered>();
  private readonly buffer: Delivered[] = [];
  /** Released messages stay unacked until close, so this run (a dry-run's get-loop) never reads them twice. */
  private readonly released: Delivered[] = [];
  private wake: (() => void) | undefined;
  private failure: ConnectorError | undefined;

  constructor(
    private readonly component: string,
    private readonly channel: Channel,
    private readonly queue: string,
    private readonly prefetch: number,
    private readonly select: { readonly limit?: number; readonly until?: string },
  ) {
    channel.on('close', () => { this.failure ??= new ConnectorError(`component ${component}: the channel to queue ${queue} closed`, 'connection'); this.wake?.(); });
  }

  private async waitForRoom(signal: AbortSignal): Promise<void> {
    while (this.unacked.size >= this.prefetch && !signal.aborted && !this.failure) await new Promise<void>((resolve) => (this.wake = resolve));
  }

  async *messages(signal: AbortSignal): AsyncIterable<SourceMessage> {
    const limit = this.select.limit ?? Infinity;
    const onAbort = () => this.wake?.();
    signal.addEventListener('abort', onAbort);
    let consumerTag: string | undefined;
    try {
      if (this.select.until !== 'empty') {
        consumerTag = (await this.channel.consume(this.queue, (message) => { if (message) { this.buffer.push(message); this.wake?.(); } }, { noAck: false })).consumerTag;
      }
      for (let count = 0; count < limit && !signal.aborted; ) {
        if (this.failure) throw this.failure;
        let next: Delivered | undefined;
        if (consumerTag) {
          next = this.buffer.shift();
          if (!next) { await new Promise<void>((resolve) => (this.wake = resolve)); continue; }
        } else {
          await this.waitForRoom(signal);
          if (signal.aborted || this.failure) continue;
          const got = await this.channel.get(this.queue, { noAck: false });
          if (got === false) return; // the queue is drained: `until: empty` is reached
          next = got;
        }
        this.unacked.set(String(next.fields.deliveryTag), next);
        count += 1;
        yield toSource(next);
      }
    } catch (error) {
      throw connectorError(this.component, `consuming queue ${this.queue} failed`, error);
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (consumerTag) await this.channel.cancel(consumerTag).catch(() => undefined);
      // Prefetched messages past the limit go back to the queue.
      for (const extra of this.buffer.splice(0)) this.channel.nack(extra, false, true);
    }
  }

  private settle(message: SourceMessage, settle: (delivered: Delivered) => void): void {
    const delivered = this.unacked.get(message.position);
    if (!delivered) return;
    this.unacked.delete(message.position);
    if (this.failure) throw this.failure;
    settle(delivered);
    this.wake?.();
  }

  async commit(message: SourceMessage): Promise<void> {
    this.settle(message, (delivered) => this.channel.ack(delivered));
  }

  async release(message: SourceMessage): Promise<void> {
    this.settle(message, (delivered) => this.released.push(delivered));
  }

  async close(): Promise<void> {
    for (const delivered of this.released.splice(0)) {
      try {
        this.channel.nack(delivered, false, true);
      } catch {
        // The channel is gone: RabbitMQ requeues whatever it had delivered unacked.
      }
    }
    await this.channel.close().catch(() => undefined);
  }
}
