// Feeds a Kafka reader batch by batch: the messages kafkajs hands out, then how far the fetch got past the records it never does.
import type { Consumer, IHeaders } from 'kafkajs';

/** A message as kafkajs hands it out (committed only: the consumers read with isolation READ_COMMITTED). */
export interface FetchedMessage {
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: IHeaders;
  /** Milliseconds since the epoch, as kafkajs gives it (create or log-append time). */
  readonly timestamp?: string;
}

/** A Kafka reader's buffer of fetched messages holds at most this many (back-pressure on the fetch). */
export const BUFFER = 256;
/**
 * A batch held by a full buffer is woken once the reader took it down to this: it then refills the
 * buffer in one go, instead of being held and woken again for every message taken (a timer and a promise each).
 */
const ROOM = BUFFER / 2;

/** After the reader took a message out of a buffer now `buffered` long: wakes a held batch once there is room. */
export function wakeWhenRoom(buffered: number, writers: (() => void)[]): void {
  if (buffered <= ROOM) writers.shift()?.();
}

/** How long a fetch held by a full buffer waits before it heartbeats (kafkajs sends heartbeats only when asked). */
const HELD_HEARTBEAT_MS = 1000;

/**
 * Holds a batch while `full()`: until the reader wakes a writer (it took a message out) or, every
 * HELD_HEARTBEAT_MS, to heartbeat, so that back-pressure never costs the member its place in the group.
 */
export async function holdWhileFull(full: () => boolean, writers: (() => void)[], heartbeat: Heartbeat): Promise<void> {
  while (full()) {
    const woken = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), HELD_HEARTBEAT_MS);
      writers.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    // A rebalance surfaces here as an error kafkajs handles.
    if (!woken) await heartbeat();
  }
}

/**
 * How often a batch asks kafkajs to heartbeat. kafkajs sends one only when its interval (1 s)
 * passed since the last, but each ask goes through three async functions of its own (~500 B a
 * message): asked at most this often, a heartbeat leaves at most this much later.
 */
const HEARTBEAT_ASK_MS = 100;

/** Asks kafkajs to heartbeat: a promise when it was passed on, undefined when asked too soon (nothing to wait for). */
export type Heartbeat = () => Promise<void> | undefined;

/** `heartbeat`, passed on at most once every `ms`; the calls in between return undefined. */
export function askedAtMostEvery(ms: number, heartbeat: () => Promise<void>): Heartbeat {
  let asked = -Infinity;
  return () => {
    const now = performance.now();
    if (now - asked < ms) return undefined;
    asked = now;
    return heartbeat();
  };
}

/**
 * `more` once the heartbeat asked after a taken message is sent: what eachMessage did after each message.
 * No promise when there is nothing to wait for: most messages are taken and passed on synchronously.
 */
export function afterHeartbeat(more: boolean, heartbeat: Heartbeat): boolean | Promise<boolean> {
  const sent = more ? heartbeat() : undefined;
  return sent ? sent.then(() => more) : more;
}

/** Where one batch of a partition goes. */
export interface BatchSink {
  /**
   * Takes one message; false stops the batch (the reader closed, or the group rebalanced meanwhile).
   * A promise only when the message has to wait (a full buffer, a heartbeat sent).
   */
  message(message: FetchedMessage, heartbeat: Heartbeat): boolean | Promise<boolean>;
  /**
   * Every record before `next` was fetched: the messages went to `message`, the rest were
   * transaction markers, records of aborted transactions or offsets removed by compaction.
   */
  fetched(next: bigint): void;
}

export function headerText(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  // Own names only, and no array of entries built: this runs for every message read.
  for (const name in headers) {
    if (!Object.hasOwn(headers, name)) continue;
    const value = headers[name];
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = first.toString();
  }
  return out;
}

/**
 * The seeks the executor asked of each consumer. kafkajs marks a partition's batches stale only at
 * a seek (`consumer.seek`, which only its user calls), and its `isStale` builds a JSON text each call:
 * the batch loop asks it once a batch, and again only after a seek made meanwhile.
 */
const seeks = new WeakMap<Consumer, number>();

/** `consumer.seek`, counted: every seek of the executor's Kafka readers goes through here. */
export function seek(consumer: Consumer, topic: string, partition: number, offset: bigint): void {
  seeks.set(consumer, (seeks.get(consumer) ?? 0) + 1);
  consumer.seek({ topic, partition, offset: offset.toString() });
}

/**
 * Runs the consumer (no auto-commit). `open` is asked for each batch of a partition when kafkajs
 * starts it and may skip it. Why not eachMessage: a partition's last offsets may be a commit marker
 * or aborted records, which kafkajs filters out, so "the message at end - 1 arrived" never happens;
 * where the fetch got to is what ends a partition. kafkajs gives a batch of only such records
 * to no handler and moves its position past it, which the END_BATCH_PROCESS event (batchSize 0)
 * reports; a batch with messages ends at `batch.lastOffset()` (its last record, filtered or not).
 */
export async function runBatches(consumer: Consumer, open: (partition: number) => BatchSink | undefined): Promise<void> {
  consumer.on(consumer.events.END_BATCH_PROCESS, (event) => {
    if (event.payload.batchSize === 0) open(event.payload.partition)?.fetched(BigInt(event.payload.lastOffset) + 1n);
  });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch, heartbeat, isRunning, isStale }) => {
      const sink = open(batch.partition);
      if (!sink) return;
      const beat = askedAtMostEvery(HEARTBEAT_ASK_MS, heartbeat);
      let sought = seeks.get(consumer);
      if (isStale()) return;
      for (const message of batch.messages) {
        // A seek (to the range's start) makes the rest of this batch stale: kafkajs fetches again from there.
        if (!isRunning()) return;
        const seeksNow = seeks.get(consumer);
        if (seeksNow !== sought) {
          sought = seeksNow;
          if (isStale()) return;
        }
        const more = sink.message(message, beat);
        if (more === false || (more !== true && !(await more))) return;
      }
      if (isRunning() && !isStale()) sink.fetched(BigInt(batch.lastOffset()) + 1n);
    },
  });
}
