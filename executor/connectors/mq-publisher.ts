// Publishes with publisher confirms; fails pending confirms when the channel dies (amqplib #191, #419) and waits for 'drain' (#398).
import type { ChannelModel, ConfirmChannel } from 'amqplib';
import { ConnectorError, type Delivery, type FlowMessage, type TargetWriter } from './connector';
import { abortable } from './connector-errors';

interface Pending {
  readonly reject: (error: ConnectorError) => void;
  readonly timer: NodeJS.Timeout;
}

export interface PublishTarget {
  readonly exchange: string;
  readonly routingKey: string;
  readonly confirmTimeoutMs: number;
}

export class MqPublisher implements TargetWriter {
  private readonly pending = new Set<Pending>();
  private dead: ConnectorError | undefined;
  private drained: Promise<void> | undefined;
  private sequence = 0;

  constructor(
    private readonly component: string,
    private readonly channel: ConfirmChannel,
    private readonly target: PublishTarget,
    connection: ChannelModel,
  ) {
    const die = (why: string) => (error?: Error) => this.failAll(new ConnectorError(`component ${component}: the channel ${why} before the broker confirmed${error ? ` (${error.message})` : ''}`, 'connection', { cause: error }));
    channel.on('close', die('closed'));
    channel.on('error', die('failed'));
    connection.on('close', die('lost its connection'));
  }

  private failAll(error: ConnectorError): void {
    this.dead ??= error;
    for (const pending of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.pending.clear();
  }

  async write(message: FlowMessage, signal: AbortSignal): Promise<Delivery> {
    if (this.drained) await abortable(this.component, this.drained, signal);
    if (this.dead) throw this.dead;
    const sequence = (this.sequence += 1);
    const confirmed = new Promise<void>((resolve, reject) => {
      const pending: Pending = {
        reject,
        timer: setTimeout(() => {
          this.pending.delete(pending);
          reject(new ConnectorError(`component ${this.component}: no publisher confirm within ${this.target.confirmTimeoutMs} ms`, 'timeout'));
        }, this.target.confirmTimeoutMs),
      };
      this.pending.add(pending);
      const done = (error: unknown) => {
        if (!this.pending.delete(pending)) return;
        clearTimeout(pending.timer);
        if (error) reject(new ConnectorError(`component ${this.component}: the broker did not confirm the message (${error instanceof Error ? error.message : 'nack'})`, 'connection', { cause: error }));
        else resolve();
      };
      try {
        const room = this.channel.publish(this.target.exchange, this.target.routingKey, message.value, { persistent: true, headers: { ...message.headers }, messageId: message.key ?? undefined }, done);
        if (!room) this.drained ??= new Promise<void>((resolve) => this.channel.once('drain', () => { this.drained = undefined; resolve(); }));
      } catch (error) {
        done(error ?? new Error('publish failed'));
      }
    });
    await abortable(this.component, confirmed, signal);
    return { position: `${this.target.exchange || '(default)'}/${this.target.routingKey}#${sequence}` };
  }

  async close(): Promise<void> {
    if (!this.dead) await this.channel.close().catch(() => undefined);
  }
}
