// The `mq` component (AMQP 0-9-1, RabbitMQ): pre-flight, a manual-ack reader and a confirming publisher.
import amqp, { type ChannelModel } from 'amqplib';
import { ConnectorError, type ConnectionSettings, type Connector, type SourceReader, type TargetWriter } from './connector';
import { abortable, connectorError } from './connector-errors';
import { MqPublisher } from './mq-publisher';
import { MqReader } from './mq-reader';
import { redactUrl } from './redact-url';

interface MqProps {
  readonly url: string;
  readonly queue: string;
  readonly exchange?: string;
  readonly routingKey?: string;
  readonly prefetch?: number;
  readonly durable?: boolean;
  readonly confirmTimeoutMs?: number;
}

export class MqConnector implements Connector {
  readonly type = 'mq' as const;
  private readonly props: MqProps;
  private connection: Promise<ChannelModel> | undefined;
  private readonly closers = new Set<{ close(): Promise<void> }>();

  constructor(readonly name: string, props: Readonly<Record<string, unknown>>) {
    this.props = props as unknown as MqProps;
    if (typeof this.props.url !== 'string' || typeof this.props.queue !== 'string') {
      throw new ConnectorError(`component ${name}: an mq component needs \`url\` and \`queue\``, 'validation');
    }
  }

  private where(): string {
    return `RabbitMQ at ${redactUrl(this.props.url)}`;
  }

  /** One connection per connector, opened on first use and opened again after it dies. */
  private async connect(signal: AbortSignal): Promise<ChannelModel> {
    this.connection ??= amqp.connect(this.props.url, { timeout: 5000 }).then((model) => {
      model.on('error', () => undefined); // 'close' follows; readers and writers fail their own work
      model.on('close', () => (this.connection = undefined));
      return model;
    });
    try {
      return await abortable(this.name, this.connection, signal);
    } catch (error) {
      this.connection = undefined;
      throw connectorError(this.name, `${this.where()} is unreachable`, error);
    }
  }

  /** Reaches the broker and declares the queue (durable per `durable`, default true) and checks the exchange. */
  async preflight(signal: AbortSignal): Promise<void> {
    const channel = await (await this.connect(signal)).createChannel();
    channel.on('error', () => undefined);
    try {
      await channel.assertQueue(this.props.queue, { durable: this.props.durable ?? true });
      if (this.props.exchange) await channel.checkExchange(this.props.exchange);
    } catch (error) {
      throw connectorError(this.name, `queue ${this.props.queue}${this.props.exchange ? ` / exchange ${this.props.exchange}` : ''} is not usable`, error, 'validation');
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  async openReader(settings: ConnectionSettings, signal: AbortSignal): Promise<SourceReader> {
    const channel = await (await this.connect(signal)).createChannel();
    channel.on('error', () => undefined);
    const prefetch = this.props.prefetch ?? 100;
    await channel.prefetch(prefetch);
    await channel.assertQueue(this.props.queue, { durable: this.props.durable ?? true });
    const reader = new MqReader(this.name, channel, this.props.queue, prefetch, (settings.select ?? {}) as { limit?: number; until?: string });
    this.closers.add(reader);
    return reader;
  }

  async openWriter(_settings: ConnectionSettings, signal: AbortSignal): Promise<TargetWriter> {
    const connection = await this.connect(signal);
    const channel = await connection.createConfirmChannel();
    channel.on('error', () => undefined);
    if (!this.props.exchange) await channel.assertQueue(this.props.queue, { durable: this.props.durable ?? true });
    const writer = new MqPublisher(this.name, channel, {
      exchange: this.props.exchange ?? '',
      routingKey: this.props.routingKey ?? this.props.queue,
      confirmTimeoutMs: this.props.confirmTimeoutMs ?? 30_000,
    }, connection);
    this.closers.add(writer);
    return writer;
  }

  async close(): Promise<void> {
    await Promise.all([...this.closers].map((c) => c.close().catch(() => undefined)));
    this.closers.clear();
    const connection = this.connection;
    this.connection = undefined;
    if (connection) await (await connection.catch(() => undefined))?.close().catch(() => undefined);
  }
}
