// The kafka target: an idempotent, acks=all producer that sends one request at a time and is replaced after a failed send.
import type { Producer } from 'kafkajs';
import { ConnectorError, type Delivery, type FlowMessage, type TargetWriter } from './connector';
import { abortable, connectorError } from './connector-errors';
import { keyText, parsePayload, selectValue } from './json-path-value';

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
 */
export class KafkaWriter implements TargetWriter {
  /** Settles once the send last handed to the producer settled. */
  private last: Promise<unknown> = Promise.resolve();
  /** A send failed for good: the next one goes through a new producer. */
  private stale = false;
  private closed = false;

  constructor(
    private readonly component: string,
    private producer: Producer,
    private readonly newProducer: () => Producer,
    private readonly topic: string,
    private readonly keyPath: string | undefined,
  ) {}

  /** The record key, which picks the partition and is what compaction keeps the last value of. */
  orderKey(message: FlowMessage): string | null {
    try {
      return this.recordKey(message);
    } catch {
      return null; // its write fails with the reason
    }
  }

  async write(message: FlowMessage, signal: AbortSignal): Promise<Delivery> {
    const key = this.recordKey(message);
    const sent = this.last.then(() => this.send(key, message, signal));
    this.last = sent.catch(() => undefined);
    try {
      const [record] = await abortable(this.component, sent, signal);
      return { position: `${this.topic}/${record?.partition ?? 0}@${record?.baseOffset ?? '?'}` };
    } catch (error) {
      const timeout = error instanceof Error && /timeout/i.test(error.name);
      throw connectorError(this.component, `producing to topic ${this.topic} failed`, error, timeout ? 'timeout' : 'connection');
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.producer.disconnect().catch(() => undefined);
  }

  private recordKey(message: FlowMessage): string | null {
    return this.keyPath ? keyText(selectValue(parsePayload(this.component, message.value), this.keyPath)) : message.key;
  }

  private async send(key: string | null, message: FlowMessage, signal: AbortSignal): ReturnType<Producer['send']> {
    // A write whose run stopped while it waited is not sent at all.
    if (signal.aborted) throw new ConnectorError(`component ${this.component}: aborted`, 'timeout');
    if (this.stale) await this.replaceProducer();
    try {
      return await this.producer.send({ topic: this.topic, acks: -1, messages: [{ key, value: message.value, headers: { ...message.headers } }] });
    } catch (error) {
      this.stale = true;
      throw error;
    }
  }

  private async replaceProducer(): Promise<void> {
    if (this.closed) throw new ConnectorError(`component ${this.component}: the producer is closed`, 'connection');
    await this.producer.disconnect().catch(() => undefined);
    const fresh = this.newProducer();
    this.producer = fresh;
    await fresh.connect();
    this.stale = false;
  }
}
