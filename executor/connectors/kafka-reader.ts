// Reads a bounded `select` of a Kafka topic through a consumer group; commits only contiguous confirmed offsets.
import type { Consumer, Kafka } from 'kafkajs';
import { CONSUMER_RETRY } from './kafka-errors';
import type { SourceMessage, SourceReader } from './connector';
import { afterHeartbeat, BUFFER, headerText, holdWhileFull, runBatches, seek, type BatchSink, type FetchedMessage, type Heartbeat, wakeWhenRoom } from './kafka-batches';
import { ContiguousCommits } from './kafka-commits';
import type { PartitionRange } from './kafka-select';
import { connectorError } from './connector-errors';


interface CommitGroup {
  readonly offsets: Map<number, bigint>;
  readonly done: Promise<void>;
}

export function parsePosition(position: string): { topic: string; partition: number; offset: bigint } {
  const match = /^(.*)\/(\d+)@(\d+)$/.exec(position);
  if (!match) throw new Error(`not a Kafka position: ${position}`);
  return { topic: match[1]!, partition: Number(match[2]), offset: BigInt(match[3]!) };
}

/** A message as the Kafka readers hand it out: its partition and offset kept parsed, for the commit. */
export interface KafkaMessage extends SourceMessage {
  readonly partition: number;
  readonly offset: bigint;
  /** The record's timestamp (ms since the epoch), for a browse. */
  readonly timestamp?: string;
}

/** Partition and offset of a message, without parsing its position when a Kafka reader made it. */
export function partitionOffset(message: SourceMessage): { partition: number; offset: bigint } {
  const own = message as Partial<KafkaMessage>;
  return own.partition !== undefined && own.offset !== undefined ? { partition: own.partition, offset: own.offset } : parsePosition(message.position);
}

/** In a reader's buffer after a batch's messages: the fetch of `partition` got to `next`. */
export interface FetchedTo {
  readonly partition: number;
  readonly next: bigint;
}

export function isFetchedTo(entry: KafkaMessage | FetchedTo): entry is FetchedTo {
  return (entry as Partial<KafkaMessage>).position === undefined;
}

export class KafkaReader implements SourceReader {
  /** Messages, each batch followed by how far its fetch got: a partition ends when that reaches its end, in read order. */
  private readonly buffer: (KafkaMessage | FetchedTo)[] = [];
  private readonly commits = new ContiguousCommits();
  private readonly remaining: Map<number, PartitionRange>;
  /** The last offset buffered per partition: a seek to the start may fetch again what was already read. */
  private readonly lastAccepted = new Map<number, bigint>();
  private wakeReader: (() => void) | undefined;
  private wakeWriters: (() => void)[] = [];
  private closed = false;
  private failure: unknown;
  /** The commit being gathered (not yet sent) and the one on the wire. */
  private collecting: CommitGroup | undefined;
  private inFlight: Promise<void> | undefined;

  private constructor(
    private readonly component: string,
    private readonly consumer: Consumer,
    private readonly topic: string,
    ranges: readonly PartitionRange[],
    private readonly limit: number,
  ) {
    this.remaining = new Map(ranges.filter((r) => r.start < r.end).map((r) => [r.partition, r]));
  }

  static async open(component: string, kafka: Kafka, groupId: string, topic: string, ranges: readonly PartitionRange[], limit = Infinity): Promise<KafkaReader> {
    // readUncommitted false (kafkajs's default, said here because the ends depend on it): only committed transactions, up to the last stable offset.
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 250, allowAutoTopicCreation: false, readUncommitted: false, retry: CONSUMER_RETRY });
    const reader = new KafkaReader(component, consumer, topic, ranges, limit);
    if (reader.remaining.size === 0) return reader;
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      consumer.on(consumer.events.CRASH, (event) => reader.fail(event.payload.error));
      await runBatches(consumer, (partition) => reader.sink(partition));
      for (const range of reader.remaining.values()) seek(consumer, topic, range.partition, range.start);
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      throw connectorError(component, `cannot consume topic ${topic}`, error);
    }
    return reader;
  }

  private fail(error: unknown): void {
    this.failure = connectorError(this.component, `consuming topic ${this.topic} failed`, error);
    this.wakeReader?.();
  }

  private sink(partition: number): BatchSink | undefined {
    const range = this.remaining.get(partition);
    if (!range) return undefined;
    return {
      message: (message, heartbeat) => {
        const more = this.accept(range, message, heartbeat);
        return typeof more === 'boolean' ? afterHeartbeat(more, heartbeat) : more.then((m) => afterHeartbeat(m, heartbeat));
      },
      fetched: (next) => {
        if (next <= range.start || this.closed) return;
        const to = next > range.end ? range.end : next;
        if (to >= range.end) this.consumer.pause([{ topic: this.topic, partitions: [partition] }]);
        this.buffer.push({ partition, next: to });
        this.wakeReader?.();
      },
    };
  }

  /** Buffers a message of the range (back-pressure: waits while the buffer is full); false once closed. A promise only when it waits. */
  private accept(range: PartitionRange, message: FetchedMessage, heartbeat: Heartbeat): boolean | Promise<boolean> {
    const offset = BigInt(message.offset);
    if (offset < range.start || offset >= range.end || offset <= (this.lastAccepted.get(range.partition) ?? -1n)) return !this.closed;
    // Checked here first: most messages find room, and need no hold (an async call and a closure each).
    if (this.buffer.length >= BUFFER) return holdWhileFull(() => this.buffer.length >= BUFFER && !this.closed, this.wakeWriters, heartbeat).then(() => this.take(range.partition, message, offset));
    return this.take(range.partition, message, offset);
  }

  private take(partition: number, message: FetchedMessage, offset: bigint): boolean {
    if (this.closed) return false;
    this.lastAccepted.set(partition, offset);
    this.buffer.push({
      key: message.key?.toString() ?? null,
      value: message.value ?? Buffer.alloc(0),
      headers: headerText(message.headers),
      position: `${this.topic}/${partition}@${offset}`,
      partition,
      offset,
      ...(message.timestamp !== undefined ? { timestamp: message.timestamp } : {}),
    });
    this.wakeReader?.();
    return true;
  }

  async *messages(signal: AbortSignal): AsyncIterable<SourceMessage> {
    let count = 0;
    const onAbort = () => this.wakeReader?.();
    signal.addEventListener('abort', onAbort);
    try {
      while (count < this.limit && !signal.aborted) {
        const next = this.buffer.shift();
        if (next) {
          wakeWhenRoom(this.buffer.length, this.wakeWriters);
          if (isFetchedTo(next)) {
            // Alone, the commit of the partition's last message carries it (a dry run commits nothing).
            this.commits.passed(next.partition, next.next);
            if (next.next >= (this.remaining.get(next.partition)?.end ?? 0n)) this.remaining.delete(next.partition);
            continue;
          }
          this.commits.yielded(next.partition, next.offset);
          count += 1;
          yield next;
          continue;
        }
        if (this.failure) throw this.failure;
        if (this.remaining.size === 0) return;
        await new Promise<void>((resolve) => (this.wakeReader = resolve));
        this.wakeReader = undefined;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Commits after the target confirmed. Offsets confirmed while a commit is on the wire are
   * grouped into the next one: one round trip per burst instead of one per message.
   */
  async commit(message: SourceMessage): Promise<void> {
    const { partition, offset } = partitionOffset(message);
    const next = this.commits.confirm(partition, offset);
    if (next === undefined) return;
    const group = this.collecting ?? this.startGroup();
    const current = group.offsets.get(partition);
    if (current === undefined || next > current) group.offsets.set(partition, next);
    await group.done;
  }

  private startGroup(): CommitGroup {
    const previous = this.inFlight;
    const offsets = new Map<number, bigint>();
    const done = (async () => {
      await previous?.catch(() => undefined);
      if (this.collecting?.offsets === offsets) this.collecting = undefined;
      const list = [...offsets].map(([partition, next]) => ({ topic: this.topic, partition, offset: next.toString() }));
      try {
        await this.consumer.commitOffsets(list);
      } catch (error) {
        const where = list.map((o) => `${o.topic}/${o.partition}@${o.offset}`).join(', ');
        throw connectorError(this.component, `committing ${where} failed`, error);
      }
    })();
    const group = { offsets, done };
    this.collecting = group;
    this.inFlight = done;
    return group;
  }

  /** Passed over by the select: done in the run's own group, so the commits move past it. */
  passOver(message: SourceMessage): Promise<void> {
    return this.commit(message);
  }

  /** Kafka cannot give one message back: an uncommitted offset is read again by the next run. */
  async release(): Promise<void> {}

  async close(): Promise<void> {
    this.closed = true;
    for (const wake of this.wakeWriters.splice(0)) wake();
    await this.consumer.disconnect().catch(() => undefined);
  }
}
