// The `kafka` component: pre-flight, a bounded reader (kafka-reader.ts) and an acks=all idempotent producer (kafka-writer.ts).
import { Kafka, logLevel, type Admin, type ICustomPartitioner, type ISocketFactory, type SASLOptions } from 'kafkajs';
import { ConnectorError, type Browse, type BrowseOptions, type ConnectionSettings, type Connector, type SharedSource, type SourceReader, type SpanShape, type TargetWriter } from './connector';
import { abortable, connectorError } from './connector-errors';
import { openKafkaBrowse } from './kafka-browse';
import { KafkaGroupReader } from './kafka-group-reader';
import { KafkaReader, parsePosition } from './kafka-reader';
import { resolveRanges, type KafkaSelect } from './kafka-select';
import { applyLimit, createShare, isKafkaShare } from './kafka-share';
import { KafkaWriter } from './kafka-writer';
import { bodySize, serverAttributes } from './span-attributes';

interface KafkaProps {
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly clientId?: string;
  readonly ssl?: boolean;
  readonly sasl?: { readonly mechanism: string; readonly username: string; readonly password: string };
  readonly key?: string;
  readonly groupId?: string;
}

export class KafkaConnector implements Connector {
  readonly type = 'kafka' as const;
  private readonly kafka: Kafka;
  private readonly props: KafkaProps;
  private readonly closers = new Set<{ close(): Promise<void> }>();

  /** `socketFactory`: for tests that cut a connection at a chosen request (kafkajs's own hook). */
  constructor(readonly name: string, props: Readonly<Record<string, unknown>>, options: { readonly socketFactory?: ISocketFactory } = {}) {
    this.props = props as unknown as KafkaProps;
    if (!Array.isArray(this.props.brokers) || typeof this.props.topic !== 'string') {
      throw new ConnectorError(`component ${name}: a kafka component needs \`brokers\` and \`topic\``, 'validation');
    }
    this.kafka = new Kafka({
      clientId: this.props.clientId ?? `flowtracer-${name}`,
      brokers: [...this.props.brokers],
      ssl: this.props.ssl,
      // kafkajs types SASL per mechanism; the schema restricts `mechanism` to the ones it knows.
      sasl: this.props.sasl as SASLOptions | undefined,
      logLevel: logLevel.NOTHING,
      connectionTimeout: 3000,
      retry: { retries: 3, initialRetryTime: 200 },
      ...(options.socketFactory ? { socketFactory: options.socketFactory } : {}),
    });
  }

  private async withAdmin<T>(what: string, signal: AbortSignal, use: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = this.kafka.admin();
    try {
      await abortable(this.name, admin.connect(), signal);
      return await abortable(this.name, use(admin), signal);
    } catch (error) {
      throw connectorError(this.name, `${what} (Kafka at ${this.props.brokers.join(',')})`, error);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /** Reaches the brokers; the topic must exist or be creatable (checked with validateOnly). */
  async preflight(signal: AbortSignal): Promise<void> {
    await this.withAdmin('unreachable', signal, async (admin) => {
      const topics = await admin.listTopics();
      if (topics.includes(this.props.topic)) return;
      // validateOnly creates nothing, so there are no leaders to wait for (kafkajs waits by default and fails on the missing topic).
      await admin.createTopics({ validateOnly: true, waitForLeaders: false, topics: [{ topic: this.props.topic }] }).catch((error: unknown) => {
        throw new ConnectorError(`component ${this.name}: topic ${this.props.topic} does not exist and cannot be created: ${(error as Error).message}`, 'validation');
      });
    });
  }

  /**
   * Fixes what a shared run reads (`run --join`): the ranges resolved once, the limit spread over
   * the partitions, read through the consumer group `settings.groupId` from where they start (or,
   * resuming, where the `previous` group got to).
   */
  async shareSource(settings: ConnectionSettings, previous: SharedSource | undefined, signal: AbortSignal): Promise<SharedSource> {
    const select = (settings.select ?? {}) as KafkaSelect;
    const groupId = String(settings.groupId);
    return this.withAdmin(`cannot share the select of topic ${this.props.topic}`, signal, async (admin) => {
      const ranges = isKafkaShare(previous) ? [] : applyLimit(await resolveRanges(this.name, admin, this.props.topic, select), select.limit);
      return { ...(await createShare(admin, groupId, this.props.topic, ranges, isKafkaShare(previous) ? previous : undefined)) };
    });
  }

  async openReader(settings: ConnectionSettings, signal: AbortSignal): Promise<SourceReader> {
    if (isKafkaShare(settings.shared)) {
      const reader = await KafkaGroupReader.open(this.name, this.kafka, settings.shared);
      this.closers.add(reader);
      return reader;
    }
    const select = (settings.select ?? {}) as KafkaSelect;
    const ranges = await this.withAdmin(`cannot resolve the select of topic ${this.props.topic}`, signal, (admin) => resolveRanges(this.name, admin, this.props.topic, select));
    const groupId = this.props.groupId ?? (typeof settings.groupId === 'string' ? settings.groupId : `flowtracer-${this.name}`);
    const reader = await KafkaReader.open(this.name, this.kafka, groupId, this.props.topic, ranges, select.limit);
    this.closers.add(reader);
    return reader;
  }

  async openWriter(_settings: ConnectionSettings, signal: AbortSignal): Promise<TargetWriter> {
    // kafkajs's own retries of a request keep its sequence numbers (idempotence needs acks -1, which every send sets);
    // one request in flight, as kafkajs's transactions guide asks for exactly-once.
    const newProducer = (createPartitioner: ICustomPartitioner) => this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: true, createPartitioner });
    const writer = new KafkaWriter(this.name, newProducer, this.props.topic, this.props.key);
    try {
      await abortable(this.name, writer.connect(), signal);
    } catch (error) {
      throw connectorError(this.name, `cannot connect the producer (Kafka at ${this.props.brokers.join(',')})`, error);
    }
    this.closers.add(writer);
    return writer;
  }

  /** Messaging conventions: `process {topic}` (partition, offset, key) and `send {topic}` (the partition and offset written). */
  spanShape(role: 'source' | 'target', settings: ConnectionSettings): SpanShape {
    const where = partitionAndOffset;
    const attributes = { 'messaging.system': 'kafka', 'messaging.destination.name': this.props.topic, ...serverAttributes(this.props.brokers[0] ?? '', 9092) };
    if (role === 'source') {
      return {
        name: `process ${this.props.topic}`, kind: 'consumer',
        attributes: { ...attributes, 'messaging.operation.type': 'process', 'messaging.operation.name': 'process', 'messaging.consumer.group.name': this.props.groupId ?? (typeof settings.groupId === 'string' ? settings.groupId : undefined) },
        message: (m) => ({ ...where(m.position), 'messaging.kafka.message.key': m.key ?? undefined, ...bodySize(m) }),
      };
    }
    return {
      name: `send ${this.props.topic}`, kind: 'producer',
      attributes: { ...attributes, 'messaging.operation.type': 'send', 'messaging.operation.name': 'send' },
      // With `key` the record key is read from the payload: not a span attribute.
      message: (m) => ({ 'messaging.kafka.message.key': this.props.key === undefined ? (m.key ?? undefined) : undefined, ...bodySize(m) }),
      delivered: (d) => where(d.position),
    };
  }

  async browse(options: BrowseOptions, signal: AbortSignal): Promise<Browse> {
    // The cleanup at the end (deleting the browse's group) connects even after a Ctrl-C aborted the browse.
    const admin = async (cleanup: boolean): Promise<Admin> => {
      const a = this.kafka.admin();
      await (cleanup ? a.connect() : abortable(this.name, a.connect(), signal));
      return a;
    };
    try {
      return await openKafkaBrowse(this.name, this.kafka, admin, this.props.topic, options);
    } catch (error) {
      throw connectorError(this.name, `cannot browse topic ${this.props.topic} (Kafka at ${this.props.brokers.join(',')})`, error);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.closers].map((c) => c.close().catch(() => undefined)));
    this.closers.clear();
  }
}

/** `messaging.destination.partition.id` and `messaging.kafka.offset` of a position `topic/partition@offset`. */
function partitionAndOffset(position: string): Record<string, string | number> {
  try {
    const { partition, offset } = parsePosition(position);
    return { 'messaging.destination.partition.id': String(partition), 'messaging.kafka.offset': Number(offset) };
  } catch {
    return {};
  }
}
