// The kafka target: an idempotent, acks=all producer that sends one request at a time, the writes waiting meanwhile batched into the next, and is replaced after a failed send.
import { Partitioners, type ICustomPartitioner, type Message, type PartitionMetadata, type Producer } from 'kafkajs';
import { ConnectorError, type Delivery, type FlowMessage, type TargetWriter } from './connector';
import { abortedError, connectorError } from './connector-errors';
import { onAbort } from '../abort-watch';
import { keyText, parsePayload, selectValue } from './json-path-value';

/** What one request carries at most: records, and bytes of keys, values and headers (brokers take 1 MB a batch by default). */
const MAX_RECORDS = 500;
const MAX_BYTES = 900_000;

interface Pending {
  readonly message: Message;
  readonly bytes: number;
  /** The run's abort, which fails the wait for this write (and takes it out of the queue while it is not sent). */
  readonly signal: AbortSignal;
  /** Taken into a request: an abort no longer takes it back. */
  sent: boolean;
  /** Ends the wait (a promise settles once: a send's answer after an abort changes nothing). */
  readonly resolve: (delivery: Delivery) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * What kafkajs is handed for a record: the message, its partition (undefined: kafkajs places it), and
 * the two fields kafkajs adds as it encodes each record (`{ ...message, offsetDelta: i, timestampDelta }`),
 * which it sets itself. Present already, they are only overwritten in the copy: added to it, they cost
 * V8 (Node 20) ~1.8 µs and ~500 B a record, against ~0.2 µs and ~80 B.
 */
function toRecord(message: Message, partition: number | undefined): Message {
  return { key: message.key, value: message.value, headers: message.headers, partition, offsetDelta: 0, timestampDelta: 0 } as Message;
}

/** The bytes of a record's key, value and headers, as a request's size counts them. */
function recordBytes(key: string | null, message: FlowMessage): number {
  let bytes = (key?.length ?? 0) + message.value.length;
  for (const name in message.headers) bytes += name.length + String(message.headers[name]).length;
  return bytes;
}

/**
 * kafkajs (2.2.4) numbers an idempotent producer's records per partition when a request goes out
 * and takes the numbers back when it fails. With sends overlapping, a send that reached the broker
 * but lost its answer gives its number to the next one, which the broker then drops as a duplicate
 * while kafkajs reports it written (seen: of A, B, C, D sent together with A's answer lost, the
 * topic held A twice and no B). So sends go one at a time: kafkajs's own retries of a send then
 * reuse its numbers and the broker keeps exactly one copy, in order. It costs nothing on one
 * broker: kafkajs holds a lock per broker for each produce round trip anyway. A send that failed
 * for good may still have been written under numbers the next send would reuse: the producer is
 * replaced (a new producer id) before anything else is sent.
 *
 * The writes that arrive while a send is out wait in order and go together in the next one. Each
 * record's partition is set before the send, by kafkajs's default partitioner fed the topic's
 * partitions as the producer last saw them (recorded by the producer's own partitioner): the
 * broker gives each partition's records consecutive offsets from the base offset it answers, in
 * the request's order, so every write learns its own position. Until the producer has seen the
 * topic, one record goes alone and kafkajs places it.
 */
export class KafkaWriter implements TargetWriter {
  private producer: Producer;
  private readonly queue: Pending[] = [];
  /** The writes of the send that is out. */
  private sent: readonly Pending[] = [];
  /** The signals whose abort fails the waits of their writes: one listener each, not one a write. */
  private readonly watched = new WeakSet<AbortSignal>();
  private sending = false;
  /** A send is due on the next turn of the event loop. */
  private scheduled = false;
  /** A send failed for good: the next one goes through a new producer. */
  private stale = false;
  private closed = false;
  private readonly partitioner = Partitioners.DefaultPartitioner();
  /** The topic's partitions as the producer's partitioner last saw them. */
  private partitions: PartitionMetadata[] | undefined;

  constructor(
    private readonly component: string,
    private readonly newProducer: (createPartitioner: ICustomPartitioner) => Producer,
    private readonly topic: string,
    private readonly keyPath: string | undefined,
  ) {
    this.producer = this.createProducer();
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  /** The record key, which picks the partition and is what compaction keeps the last value of. */
  orderKey(message: FlowMessage): string | null {
    try {
      return this.recordKey(message);
    } catch {
      return null; // its write fails with the reason
    }
  }

  write(message: FlowMessage, signal: AbortSignal): Promise<Delivery> {
    // Not async: one promise a write (its send's answer), and the run's abort watched once (as the mq publisher does).
    let key: string | null;
    try {
      key = this.recordKey(message);
    } catch (error) {
      return Promise.reject(error);
    }
    if (signal.aborted) return Promise.reject(abortedError(this.component));
    this.watchAbort(signal);
    return new Promise<Delivery>((resolve, reject) => {
      // The headers are the message's own: the runner makes them for this hop (its traceparent), and neither kafkajs nor a retry changes them.
      this.queue.push({ message: { key, value: message.value, headers: message.headers }, bytes: recordBytes(key, message), signal, sent: false, resolve, reject });
      this.pump();
    });
  }

  /** On `signal`'s abort, a write not sent yet is not sent at all; a sent one's send goes on (the next waits for it). Either's wait fails. */
  private watchAbort(signal: AbortSignal): void {
    if (this.watched.has(signal)) return;
    this.watched.add(signal);
    onAbort(signal, () => {
      const aborted = abortedError(this.component);
      for (const pending of this.sent) if (pending.signal === signal) pending.reject(aborted);
      for (let i = this.queue.length - 1; i >= 0; i--) {
        const pending = this.queue[i]!;
        if (pending.signal !== signal) continue;
        this.queue.splice(i, 1);
        pending.reject(aborted);
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.producer.disconnect().catch(() => undefined);
  }

  private recordKey(message: FlowMessage): string | null {
    return this.keyPath ? keyText(selectValue(parsePayload(this.component, message.value), this.keyPath)) : message.key;
  }

  private createProducer(): Producer {
    return this.newProducer(() => (args) => {
      if (args.topic === this.topic) this.partitions = args.partitionMetadata;
      return this.partitioner(args);
    });
  }

  /**
   * Sends what is queued once the current turn's writes are in: the writes a settled send frees
   * arrive together but not at once (the first right after the journal's flush, the rest in its
   * continuations), and a send taken at the first carried one record, the next round trip the rest.
   */
  private pump(): void {
    if (this.sending || this.scheduled || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.queue.length === 0) return; // every queued write aborted meanwhile
      this.sending = true;
      void this.sendBatch().finally(() => {
        this.sending = false;
        this.pump();
      });
    });
  }

  /** Sends the writes at the head of the queue in one request and settles each with its record's position. */
  private async sendBatch(): Promise<void> {
    const batch = this.take();
    this.sent = batch;
    try {
      if (this.stale) await this.replaceProducer();
      const partitions = this.partitions;
      const placed = batch.map(({ message }) => (partitions ? this.partitioner({ topic: this.topic, partitionMetadata: partitions, message }) : undefined));
      const messages = batch.map(({ message }, i) => toRecord(message, placed[i]));
      let results;
      try {
        results = await this.producer.send({ topic: this.topic, acks: -1, messages });
      } catch (error) {
        this.stale = true;
        throw error;
      }
      const next = new Map<number, bigint>();
      for (const result of results) next.set(result.partition, BigInt(result.baseOffset ?? -1));
      placed.forEach((chosen, i) => {
        // One record alone was placed by kafkajs: the only partition answered is its.
        const partition = chosen ?? results[0]?.partition ?? 0;
        const offset = next.get(partition);
        next.set(partition, (offset ?? -1n) + 1n);
        batch[i]!.resolve({ position: `${this.topic}/${partition}@${offset === undefined || offset < 0n ? '?' : offset}` });
      });
    } catch (error) {
      const timeout = error instanceof Error && /timeout/i.test(error.name);
      const failure = connectorError(this.component, `producing to topic ${this.topic} failed`, error, timeout ? 'timeout' : 'connection');
      for (const pending of batch) pending.reject(failure);
    } finally {
      this.sent = [];
    }
  }

  /** The writes the next request carries: one until the producer has seen the topic's partitions. */
  private take(): Pending[] {
    const batch: Pending[] = [];
    let bytes = 0;
    const most = this.partitions ? MAX_RECORDS : 1;
    while (this.queue.length > 0 && batch.length < most && (batch.length === 0 || bytes + this.queue[0]!.bytes <= MAX_BYTES)) {
      const pending = this.queue.shift()!;
      pending.sent = true;
      bytes += pending.bytes;
      batch.push(pending);
    }
    return batch;
  }

  private async replaceProducer(): Promise<void> {
    if (this.closed) throw new ConnectorError(`component ${this.component}: the producer is closed`, 'connection');
    await this.producer.disconnect().catch(() => undefined);
    const fresh = this.createProducer();
    this.producer = fresh;
    await fresh.connect();
    this.stale = false;
  }
}
