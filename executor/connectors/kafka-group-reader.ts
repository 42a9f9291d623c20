// Reads a shared run's Kafka source as one member of its consumer group: only the assigned partitions, done when the group is.
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { CONSUMER_RETRY, isKafkaError } from './kafka-errors';
import type { SourceMessage, SourceReader } from './connector';
import { connectorError } from './connector-errors';
import { afterHeartbeat, BUFFER, headerText, holdWhileFull, runBatches, seek, type BatchSink, type FetchedMessage, type Heartbeat, wakeWhenRoom } from './kafka-batches';
import { ContiguousCommits } from './kafka-commits';
import { type FetchedTo, isFetchedTo, type KafkaMessage, partitionOffset } from './kafka-reader';
import type { PartitionRange } from './kafka-select';
import { committedOffsets, shareRanges, type KafkaShare } from './kafka-share';

/** How often an idle member asks the group how far the others got. */
const POLL_MS = 500;
/**
 * A killed member's partitions move to the others once its session times out: 6 s is the broker's
 * default minimum (group.min.session.timeout.ms). A member heartbeats every second, also while
 * back-pressure holds it.
 */
const SESSION_TIMEOUT_MS = 6000;
const HEARTBEAT_MS = 1000;
/** How long closing waits for the consumer to leave its group. */
const CLOSE_TIMEOUT_MS = 10_000;

/** Kafka errors meaning the group moved on: the commit did not happen and the partition may be someone else's. */
const REBALANCE_ERRORS = new Set(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'NOT_COORDINATOR', 'FENCED_INSTANCE_ID']);

interface CommitGroup {
  readonly generation: number;
  readonly offsets: Map<number, bigint>;
  readonly done: Promise<void | false>;
}

/** The group moved on (kafkajs's wrappers walked down to the protocol error). */
const isRebalance = (error: unknown): boolean => isKafkaError(error, REBALANCE_ERRORS, ['KafkaJSRebalanceInProgress']);
/** What `commit` answers without a commit of its own: read before the last rebalance, or its partition's commit point cannot move yet. */
const NOT_COMMITTED: Promise<false> = Promise.resolve(false);
const NOTHING_TO_COMMIT: Promise<void> = Promise.resolve();

/** A message of this reader: the generation it was read in is set when it is handed out. */
interface GroupMessage extends KafkaMessage {
  readIn: number;
}

export class KafkaGroupReader implements SourceReader {
  /** This generation's messages, each batch followed by how far its fetch got (see KafkaReader). */
  private readonly buffer: (GroupMessage | FetchedTo)[] = [];
  private readonly ranges: Map<number, PartitionRange>;
  /** The highest offset known committed per partition: this member's commits and the group's as last polled. */
  private readonly committed = new Map<number, bigint>();
  /** Bumped at every rebalance: messages read in an earlier generation are not committed by this member. */
  private generation = 0;
  private commits = new ContiguousCommits();
  private assigned = new Set<number>();
  private readonly lastAccepted = new Map<number, bigint>();
  private wakeReader: (() => void) | undefined;
  private wakeWriters: (() => void)[] = [];
  private closed = false;
  private failure: unknown;
  private collecting: CommitGroup | undefined;
  private inFlight: Promise<void | false> | undefined;
  private lastPoll = 0;

  private constructor(
    private readonly component: string,
    private readonly consumer: Consumer,
    private readonly admin: Admin,
    private readonly share: KafkaShare,
  ) {
    this.ranges = new Map(shareRanges(share).map((r) => [r.partition, r]));
    for (const r of this.ranges.values()) this.committed.set(r.partition, r.start);
  }

  static async open(component: string, kafka: Kafka, share: KafkaShare): Promise<KafkaGroupReader> {
    const consumer = kafka.consumer({
      // readUncommitted false: committed transactions only, up to the last stable offset the ends were fixed at.
      groupId: share.groupId, maxWaitTimeInMs: 250, allowAutoTopicCreation: false, readUncommitted: false,
      sessionTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: HEARTBEAT_MS, rebalanceTimeout: 20_000, retry: CONSUMER_RETRY,
    });
    const admin = kafka.admin();
    const reader = new KafkaGroupReader(component, consumer, admin, share);
    try {
      await admin.connect();
      await reader.poll();
      if (reader.allDone()) return reader;
      await consumer.connect();
      consumer.on(consumer.events.GROUP_JOIN, (event) => reader.joined(event.payload.memberAssignment[share.topic] ?? []));
      consumer.on(consumer.events.CRASH, (event) => reader.fail(event.payload.error));
      // Where to start: the group's committed offsets, or the share's start (seekUncommitted).
      await consumer.subscribe({ topics: [share.topic], fromBeginning: true });
      await runBatches(consumer, (partition) => reader.sink(partition));
    } catch (error) {
      await reader.close();
      throw connectorError(component, `cannot join consumer group ${share.groupId} of topic ${share.topic}`, error);
    }
    return reader;
  }

  /** The partitions this member reads now. */
  get assignment(): readonly number[] {
    return [...this.assigned].sort((a, b) => a - b);
  }

  private fail(error: unknown): void {
    this.failure = connectorError(this.component, `consuming topic ${this.share.topic} failed`, error);
    this.wakeReader?.();
  }

  private isDone(partition: number): boolean {
    const range = this.ranges.get(partition);
    return !range || (this.committed.get(partition) ?? range.start) >= range.end;
  }

  private allDone(): boolean {
    return [...this.ranges.keys()].every((p) => this.isDone(p));
  }

  /** A rebalance ended: what was buffered or is in flight belongs to the previous generation. */
  private joined(partitions: readonly number[]): void {
    this.generation += 1;
    this.assigned = new Set(partitions);
    this.buffer.length = 0;
    this.commits = new ContiguousCommits();
    this.lastAccepted.clear();
    for (const wake of this.wakeWriters.splice(0)) wake();
    // A partition paused at its end by this member may come back unfinished (its commits were refused).
    const topic = this.share.topic;
    this.consumer.resume([{ topic, partitions: [...partitions] }]);
    const finished = partitions.filter((p) => this.isDone(p));
    if (finished.length > 0) this.consumer.pause([{ topic, partitions: finished }]);
    void this.seekUncommitted(partitions.filter((p) => !this.isDone(p)), this.generation).catch((error: unknown) => this.fail(error));
    this.wakeReader?.();
  }

  /**
   * A partition the group has no committed offset for starts at the share's start: kafkajs would
   * start at the earliest offset (accept drops what lies before the start, so the seek only saves
   * reading through it).
   */
  private async seekUncommitted(partitions: readonly number[], generation: number): Promise<void> {
    const committed = await committedOffsets(this.admin, this.share.groupId, this.share.topic);
    if (generation !== this.generation) return;
    for (const partition of partitions) {
      const start = this.ranges.get(partition)?.start ?? 0n;
      if (!committed.has(partition) && start > 0n) seek(this.consumer, this.share.topic, partition, start);
    }
  }

  /** Where a batch of `partition` goes in the current generation; none for a partition not assigned, outside the share or done. */
  private sink(partition: number): BatchSink | undefined {
    const generation = this.generation;
    const range = this.ranges.get(partition);
    if (!range || !this.assigned.has(partition)) return undefined;
    const topic = this.share.topic;
    if (this.isDone(partition)) {
      this.consumer.pause([{ topic, partitions: [partition] }]);
      return undefined;
    }
    return {
      message: (message, heartbeat) => this.accept(range, message, heartbeat, generation),
      fetched: (next) => {
        if (next <= range.start || this.closed || generation !== this.generation) return;
        const to = next > range.end ? range.end : next;
        if (to >= range.end) this.consumer.pause([{ topic, partitions: [partition] }]);
        this.buffer.push({ partition, next: to });
        this.wakeReader?.();
      },
    };
  }

  /** Buffers a message of the range; false when the batch is to stop (closed, or a rebalance started a new generation). A promise only when it waits. */
  private accept(range: PartitionRange, message: FetchedMessage, heartbeat: Heartbeat, generation: number): boolean | Promise<boolean> {
    const offset = BigInt(message.offset);
    if (offset < range.start || offset >= range.end || offset <= (this.lastAccepted.get(range.partition) ?? -1n)) return true;
    // Checked here first: most messages find room, and need no hold (an async call and a closure each).
    if (this.buffer.length >= BUFFER) {
      return holdWhileFull(() => this.buffer.length >= BUFFER && !this.closed && generation === this.generation, this.wakeWriters, heartbeat).then(() => this.take(range.partition, message, offset, heartbeat, generation));
    }
    return this.take(range.partition, message, offset, heartbeat, generation);
  }

  private take(partition: number, message: FetchedMessage, offset: bigint, heartbeat: Heartbeat, generation: number): boolean | Promise<boolean> {
    if (this.closed || generation !== this.generation) return false;
    this.lastAccepted.set(partition, offset);
    this.buffer.push({ key: message.key?.toString() ?? null, value: message.value ?? Buffer.alloc(0), headers: headerText(message.headers), position: `${this.share.topic}/${partition}@${offset}`, partition, offset, readIn: -1 });
    this.wakeReader?.();
    return afterHeartbeat(true, heartbeat);
  }

  /** Yields the assigned partitions' messages until every partition of the share is committed to its end, by any member. */
  async *messages(signal: AbortSignal): AsyncIterable<SourceMessage> {
    const onAbort = () => this.wakeReader?.();
    signal.addEventListener('abort', onAbort);
    try {
      while (!signal.aborted) {
        const next = this.buffer.shift();
        if (next) {
          wakeWhenRoom(this.buffer.length, this.wakeWriters);
          if (isFetchedTo(next)) {
            this.passed(next);
            continue;
          }
          this.commits.yielded(next.partition, next.offset);
          // On the message itself, not in a WeakMap: one entry a message weighs on every collection.
          next.readIn = this.generation;
          yield next;
          continue;
        }
        if (this.failure) throw this.failure;
        if (this.allDone()) return;
        if (Date.now() - this.lastPoll >= POLL_MS) {
          await this.poll().catch(() => undefined);
          if (this.allDone()) return;
          // Messages accepted during the poll woke nobody: look at the buffer again before waiting.
          continue;
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, POLL_MS);
          this.wakeReader = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wakeReader = undefined;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /**
   * The fetch got past records that are no messages (a commit marker, an aborted transaction,
   * compacted offsets). With nothing of the partition awaiting its target, this member commits
   * how far it got itself: that is how the group learns a partition ending in such records is
   * done. Otherwise the commit of the last message awaiting carries it.
   */
  private passed(fetched: FetchedTo): void {
    const next = this.commits.passed(fetched.partition, fetched.next);
    if (next === undefined || next <= (this.committed.get(fetched.partition) ?? -1n)) return;
    const group = this.collecting?.generation === this.generation ? this.collecting : this.startGroup();
    const current = group.offsets.get(fetched.partition);
    if (current === undefined || next > current) group.offsets.set(fetched.partition, next);
    group.done.catch((error: unknown) => this.fail(error));
  }

  private async poll(): Promise<void> {
    this.lastPoll = Date.now();
    for (const [partition, offset] of await committedOffsets(this.admin, this.share.groupId, this.share.topic)) this.noteCommitted(partition, offset);
  }

  private noteCommitted(partition: number, offset: bigint): void {
    if (offset > (this.committed.get(partition) ?? -1n)) this.committed.set(partition, offset);
  }

  /**
   * Commits after the target confirmed, grouped as in the single-process reader. Resolves false for
   * a message read before the last rebalance, or when the group refused the commit: its partition
   * may be another member's now, which reads it again from the group's committed offset.
   */
  commit(message: SourceMessage): Promise<void | false> {
    // Not async: most messages share their group's promise, and need none of their own.
    if ((message as Partial<GroupMessage>).readIn !== this.generation) return NOT_COMMITTED;
    const { partition, offset } = partitionOffset(message);
    const next = this.commits.confirm(partition, offset);
    if (next === undefined) return NOTHING_TO_COMMIT;
    const group = this.collecting?.generation === this.generation ? this.collecting : this.startGroup();
    const current = group.offsets.get(partition);
    if (current === undefined || next > current) group.offsets.set(partition, next);
    return group.done;
  }

  private startGroup(): CommitGroup {
    const previous = this.inFlight;
    const generation = this.generation;
    const offsets = new Map<number, bigint>();
    const done = (async (): Promise<void | false> => {
      await previous?.catch(() => undefined);
      if (this.collecting?.offsets === offsets) this.collecting = undefined;
      if (generation !== this.generation) return false;
      const list = [...offsets].filter(([p]) => this.assigned.has(p)).map(([partition, next]) => ({ topic: this.share.topic, partition, offset: next.toString() }));
      if (list.length < offsets.size) return false;
      try {
        await this.consumer.commitOffsets(list);
      } catch (error) {
        if (isRebalance(error)) return false;
        const where = list.map((o) => `${o.topic}/${o.partition}@${o.offset}`).join(', ');
        throw connectorError(this.component, `committing ${where} failed`, error);
      }
      for (const [partition, next] of offsets) this.noteCommitted(partition, next);
      if (this.allDone()) this.wakeReader?.();
    })();
    const group = { generation, offsets, done };
    this.collecting = group;
    this.inFlight = done;
    return group;
  }

  /** Passed over by the select: done in the run's group, so the commits (and the end of the partition) move past it. */
  async passOver(message: SourceMessage): Promise<void> {
    await this.commit(message);
  }

  /** Kafka cannot give one message back: an uncommitted offset is read again by the group. */
  async release(): Promise<void> {}

  async close(): Promise<void> {
    this.closed = true;
    for (const wake of this.wakeWriters.splice(0)) wake();
    // kafkajs's disconnect waits for a join in progress (another member leaving at the same time).
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([this.consumer.disconnect(), this.admin.disconnect()]),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
  }
}
