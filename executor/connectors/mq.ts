// The `mq` component (AMQP 0-9-1, RabbitMQ): pre-flight, a manual-ack reader and a confirming publisher.
import amqp, { type Channel, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { batchSocketWrites } from './amqp-write-batching';
import { componentDefaults } from '../../flow/schema';
import { RetrySchedule } from '../retry-schedule';
import { ConnectorError, type Browse, type BrowseOptions, type ConnectionSettings, type Connector, type SourceReader, type SpanShape, type TargetWriter } from './connector';
import { abortable, connectorError } from './connector-errors';
import { openMqBrowse } from './mq-browse';
import { isStreamGetRefusal } from './mq-stream-browse';
import { MqPublisher } from './mq-publisher';
import { MqReader } from './mq-reader';
import { maskUrlPasswords } from '../../flow/secret-mask';
import { bodySize, serverAttributes } from './span-attributes';

/** The schema's defaults are the executor's: what hover, completion and `export` show is what runs. */
const MQ_DEFAULTS = componentDefaults('mq') as { readonly prefetch: number; readonly durable: boolean };

interface MqProps {
  readonly url: string;
  readonly queue: string;
  readonly exchange?: string;
  readonly routingKey?: string;
  readonly prefetch?: number;
  readonly durable?: boolean;
  readonly confirmTimeoutMs?: number;
  readonly retry?: Readonly<Record<string, unknown>>;
}

export class MqConnector implements Connector {
  readonly type = 'mq' as const;
  private readonly props: MqProps;
  private connection: Promise<ChannelModel> | undefined;
  private readonly closers = new Set<{ close(): Promise<void> }>();
  /** Checked or declared once; a queue deleted mid-run is the publisher's `unroutable` and the reader's cancelled consumer. */
  private queueExists = false;

  constructor(readonly name: string, props: Readonly<Record<string, unknown>>) {
    this.props = props as unknown as MqProps;
    if (typeof this.props.url !== 'string' || typeof this.props.queue !== 'string') {
      throw new ConnectorError(`component ${name}: an mq component needs \`url\` and \`queue\``, 'validation');
    }
  }

  private where(): string {
    return `RabbitMQ at ${maskUrlPasswords(this.props.url)}`;
  }

  /** One connection per connector, opened on first use and opened again after it dies; named for `rabbitmqctl list_connections`. */
  private async connect(signal: AbortSignal): Promise<ChannelModel> {
    if (!this.connection) {
      const opening = amqp.connect(this.props.url, { timeout: 5000, clientProperties: { connection_name: `flowtracer ${this.name} ${this.props.queue} (pid ${process.pid})` } }).then((model) => {
        batchSocketWrites(model);
        model.on('error', () => undefined); // 'close' follows; readers and writers reopen their channels or fail their own work
        model.on('close', () => {
          if (this.connection === opening) this.connection = undefined;
        });
        return model;
      });
      this.connection = opening;
      opening.catch(() => {
        if (this.connection === opening) this.connection = undefined;
      });
    }
    try {
      return await abortable(this.name, this.connection, signal);
    } catch (error) {
      throw connectorError(this.name, `${this.where()} is unreachable`, error);
    }
  }

  /**
   * Declares the queue (durable per `durable`, default true) when it does not exist. A queue that
   * exists is used as it is: declaring it again without its arguments (a dead-letter exchange, a
   * TTL, a length limit) would fail with PRECONDITION_FAILED, and they are the broker's business.
   */
  private async ensureQueue(model: ChannelModel): Promise<void> {
    if (this.queueExists) return;
    const probe = await model.createChannel();
    probe.on('error', () => undefined); // a 404 closes the probe's channel, nothing else
    try {
      await probe.checkQueue(this.props.queue);
      await probe.close().catch(() => undefined);
    } catch {
      const channel = await model.createChannel();
      channel.on('error', () => undefined);
      try {
        await channel.assertQueue(this.props.queue, { durable: this.props.durable ?? MQ_DEFAULTS.durable });
      } finally {
        await channel.close().catch(() => undefined);
      }
    }
    this.queueExists = true;
  }

  /** Reaches the broker, declares the queue if it does not exist, and checks the exchange. */
  async preflight(signal: AbortSignal): Promise<void> {
    const model = await this.connect(signal);
    const channel = await model.createChannel();
    channel.on('error', () => undefined);
    try {
      await this.ensureQueue(model);
      if (this.props.exchange) await channel.checkExchange(this.props.exchange);
    } catch (error) {
      throw connectorError(this.name, `queue ${this.props.queue}${this.props.exchange ? ` / exchange ${this.props.exchange}` : ''} is not usable`, error, 'validation');
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  /** A channel to consume from: prefetch set, the queue declared if missing. */
  private async consumerChannel(signal: AbortSignal): Promise<Channel> {
    const model = await this.connect(signal);
    await this.ensureQueue(model);
    const channel = await model.createChannel();
    channel.on('error', () => undefined); // the reader watches 'close'
    await channel.prefetch(this.prefetch());
    return channel;
  }

  /** A confirm channel to publish on; the queue is declared when publishing to it directly. */
  private async publisherChannel(signal: AbortSignal): Promise<ConfirmChannel> {
    const model = await this.connect(signal);
    if (!this.props.exchange) await this.ensureQueue(model);
    const channel = await model.createConfirmChannel();
    channel.on('error', () => undefined); // the publisher watches 'error' and 'close'
    return channel;
  }

  private prefetch(): number {
    return this.props.prefetch ?? MQ_DEFAULTS.prefetch;
  }

  async openReader(settings: ConnectionSettings, signal: AbortSignal): Promise<SourceReader> {
    const reader = new MqReader(this.name, (s) => this.consumerChannel(s), {
      queue: this.props.queue,
      prefetch: this.prefetch(),
      select: (settings.select ?? {}) as { limit?: number; until?: string },
      // A lost connection is reopened as the component's retry strategy says (`retryOn: connection`).
      reconnect: RetrySchedule.fromSettings(this.props.retry),
      dryRun: settings.dryRun === true,
    }, await this.consumerChannel(signal));
    this.closers.add(reader);
    return reader;
  }

  async openWriter(_settings: ConnectionSettings, signal: AbortSignal): Promise<TargetWriter> {
    const writer = new MqPublisher(this.name, (s) => this.publisherChannel(s), {
      exchange: this.props.exchange ?? '',
      routingKey: this.props.routingKey ?? this.props.queue,
      confirmTimeoutMs: this.props.confirmTimeoutMs ?? 30_000,
    }, await this.publisherChannel(signal));
    this.closers.add(writer);
    return writer;
  }

  /** Messaging conventions: `process {queue}` (delivery tag, message id) and `publish {exchange}:{routing key}`. */
  spanShape(role: 'source' | 'target'): SpanShape {
    const attributes = { 'messaging.system': 'rabbitmq', ...serverAttributes(this.props.url, 5672) };
    if (role === 'source') {
      return {
        name: `process ${this.props.queue}`, kind: 'consumer',
        attributes: { ...attributes, 'messaging.destination.name': this.props.queue, 'messaging.operation.type': 'process', 'messaging.operation.name': 'process' },
        // A position is `{channel}:{delivery tag}`.
        message: (m) => ({ 'messaging.message.id': m.key ?? undefined, 'messaging.rabbitmq.message.delivery_tag': Number(m.position.slice(m.position.lastIndexOf(':') + 1)) || undefined, ...bodySize(m) }),
      };
    }
    const exchange = this.props.exchange || 'amq.default';
    const routingKey = this.props.routingKey ?? this.props.queue;
    return {
      name: `publish ${exchange}:${routingKey}`, kind: 'producer',
      attributes: { ...attributes, 'messaging.destination.name': `${exchange}:${routingKey}`, 'messaging.rabbitmq.destination.routing_key': routingKey, 'messaging.operation.type': 'send', 'messaging.operation.name': 'publish' },
      message: (m) => ({ 'messaging.message.id': m.key ?? undefined, ...bodySize(m) }),
    };
  }

  /** Browses the queue without declaring it: a queue that does not exist is an error, not created. */
  async browse(options: BrowseOptions, signal: AbortSignal): Promise<Browse> {
    const model = await this.connect(signal);
    // RabbitMQ answers a `basic.get` on a stream queue by closing the connection (540): the browse then reads the stream.
    let closedBy: unknown;
    model.once('close', (error: unknown) => (closedBy = error));
    const channel = await model.createChannel();
    channel.on('error', () => undefined);
    try {
      await channel.checkQueue(this.props.queue);
    } catch (error) {
      throw connectorError(this.name, `queue ${this.props.queue} cannot be browsed`, error, 'validation');
    }
    return openMqBrowse(this.props.queue, channel, options, {
      refusedGet: () => isStreamGetRefusal(closedBy),
      reopen: async () => {
        const reopened = await (await this.connect(signal)).createChannel();
        reopened.on('error', () => undefined);
        return reopened;
      },
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.closers].map((c) => c.close().catch(() => undefined)));
    this.closers.clear();
    const connection = this.connection;
    this.connection = undefined;
    if (connection) await (await connection.catch(() => undefined))?.close().catch(() => undefined);
  }
}
