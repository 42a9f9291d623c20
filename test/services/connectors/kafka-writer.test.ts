// The kafka target's producer: concurrent writes batched into few requests, and when the broker wrote a send but its answer was lost, every write lands exactly where it says.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as net from 'node:net';
import { Kafka, logLevel, type ISocketFactory } from 'kafkajs';
import { KafkaConnector } from '../../../executor/connectors/kafka';
import type { TargetWriter } from '../../../executor/connectors/connector';
import { readOffsets, readTopic } from '../executor/broker-clients';
import { createTopic } from '../../support/kafka-topics';

const brokers = () => [process.env.FLOWTRACER_TEST_KAFKA_BROKERS ?? ''];
const signal = () => AbortSignal.timeout(30_000);
const PRODUCE = 0; // the Produce request's API key

/**
 * The producer's connections, with two faults to inject: `cutProduceAt` stops reading a
 * connection once it sent a Produce request and destroys it once the topic's end reached that
 * offset (the broker appended the records; their answer is lost); `refuse` makes new connections fail.
 */
class Faults {
  cutProduceAt: number | undefined;
  refuse = false;
  /** Produce requests written so far. */
  produced = 0;
  constructor(private readonly topic: string) {}

  readonly socketFactory: ISocketFactory = ({ host, port, onConnect }) => {
    if (this.refuse) return net.connect({ host: '127.0.0.1', port: 1 });
    const socket = net.connect({ host, port }, onConnect);
    const write = socket.write.bind(socket) as (data: Buffer, ...rest: unknown[]) => boolean;
    (socket as { write: unknown }).write = (data: Buffer, ...rest: unknown[]): boolean => {
      const sent = write(data, ...rest);
      if (Buffer.isBuffer(data) && data.length >= 6 && data.readInt16BE(4) === PRODUCE) this.produced++;
      const end = this.cutProduceAt;
      if (end !== undefined && Buffer.isBuffer(data) && data.length >= 6 && data.readInt16BE(4) === PRODUCE) {
        this.cutProduceAt = undefined;
        socket.pause();
        void this.reached(end).then(() => socket.destroy(new Error('connection lost before the answer')));
      }
      return sent;
    };
    return socket;
  };

  /** Polls the topic's end until it reached `end`. */
  private async reached(end: number): Promise<void> {
    const admin = new Kafka({ brokers: brokers(), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    while (Number((await admin.fetchTopicOffsets(this.topic))[0]!.high) < end);
    await admin.disconnect();
  }
}

describe('kafka writer after a lost answer @kafka', function () {
  this.timeout(90_000);
  const admin = () => new Kafka({ brokers: brokers(), logLevel: logLevel.NOTHING }).admin();
  let topic: string;
  let faults: Faults;
  let connector: KafkaConnector;
  let writer: TargetWriter;
  const write = (value: string) => writer.write({ key: value, value: Buffer.from(JSON.stringify(value)), headers: {} }, signal());
  const values = async () => (await readTopic(topic)).map((m) => m.value);

  beforeEach(async () => {
    topic = `ft-writer-${randomUUID()}`;
    const a = admin();
    await a.connect();
    await createTopic(a, { topic, numPartitions: 1 });
    await a.disconnect();
    faults = new Faults(topic);
    connector = new KafkaConnector('Orders', { brokers: brokers(), topic }, { socketFactory: faults.socketFactory });
    writer = await connector.openWriter({}, signal());
    // The producer has its id and the topic's metadata before a fault is injected; 'warm' is at offset 0.
    await write('warm');
  });

  afterEach(async () => {
    await connector.close();
    const a = admin();
    await a.connect();
    await a.deleteTopics({ topics: [topic] });
    await a.disconnect();
  });

  it('writes each of four concurrent sends once, in order, when the first one\'s answer is lost and kafkajs retries it', async () => {
    faults.cutProduceAt = 2; // A appended at offset 1
    const first = write('A');
    await new Promise((resolve) => setImmediate(resolve)); // A's send is out; B, C and D wait for it
    const positions = await Promise.all([first, ...['B', 'C', 'D'].map(write)]);
    assert.deepEqual(await values(), ['warm', 'A', 'B', 'C', 'D']);
    assert.deepEqual(positions.map((p) => p.position), [1, 2, 3, 4].map((offset) => `${topic}/0@${offset}`));
  });

  it('does not drop the next send when a send failed for good after the broker wrote it', async () => {
    faults.cutProduceAt = 2;
    faults.refuse = true;
    await assert.rejects(write('A'), (error: Error) => error.message.startsWith(`component Orders: producing to topic ${topic} failed`));
    faults.refuse = false;
    await write('B');
    // The runner writes A again (its journal marks it in doubt): a duplicate, never a loss.
    await write('A');
    assert.deepEqual(await values(), ['warm', 'A', 'B', 'A']);
  });
});

describe('kafka writer batching concurrent writes @kafka', function () {
  this.timeout(90_000);
  let topic: string;
  let faults: Faults;
  let connector: KafkaConnector;
  let writer: TargetWriter;
  const write = (key: string | null, value: string, on = signal()) => writer.write({ key, value: Buffer.from(JSON.stringify(value)), headers: {} }, on);

  beforeEach(async () => {
    topic = `ft-writer-batch-${randomUUID()}`;
    const a = new Kafka({ brokers: brokers(), logLevel: logLevel.NOTHING }).admin();
    await a.connect();
    await createTopic(a, { topic, numPartitions: 3 });
    await a.disconnect();
    faults = new Faults(topic);
    connector = new KafkaConnector('Orders', { brokers: brokers(), topic }, { socketFactory: faults.socketFactory });
    writer = await connector.openWriter({}, signal());
  });

  afterEach(async () => {
    await connector.close();
    const a = new Kafka({ brokers: brokers(), logLevel: logLevel.NOTHING }).admin();
    await a.connect();
    await a.deleteTopics({ topics: [topic] });
    await a.disconnect();
  });

  it('sends 300 concurrent writes to 3 partitions in a few requests, each returning exactly where its record is, keys in write order', async () => {
    // Keys k0..k9, every seventh write without a key (kafkajs spreads those round-robin).
    const writes = Array.from({ length: 300 }, (_, i) => ({ key: i % 7 === 0 ? null : `k${i % 10}`, value: `v${i}` }));
    const positions = await Promise.all(writes.map((w) => write(w.key, w.value)));
    assert.ok(faults.produced <= 10, `${faults.produced} produce requests for 300 writes`);
    const records = await readOffsets(topic);
    assert.equal(records.length, 300);
    const where = new Map(records.map((r) => [r.value, `${topic}/${r.partition}@${r.offset}`]));
    assert.deepEqual(positions.map((p) => p.position), writes.map((w) => where.get(w.value)));
    assert.equal(new Set(records.map((r) => r.partition)).size, 3);
    for (let k = 0; k < 10; k++) {
      const ofKey = records.filter((r) => r.key === `k${k}`);
      assert.equal(new Set(ofKey.map((r) => r.partition)).size, 1, `k${k} in one partition`);
      assert.deepEqual(ofKey.map((r) => r.value), writes.filter((w) => w.key === `k${k}`).map((w) => w.value));
    }
  });

  it('sends the writes that arrive just after one in the same request, as the engine frees them after a journal flush', async () => {
    await write('k', 'warm'); // the producer has seen the topic's partitions
    faults.produced = 0;
    const first = write('k0', 'v0');
    // The others arrive in the continuations of the same turn, as the slots a settled send freed are taken again.
    for (let i = 0; i < 5; i++) await Promise.resolve();
    const rest = Array.from({ length: 255 }, (_, i) => write(`k${(i + 1) % 10}`, `v${i + 1}`));
    const positions = await Promise.all([first, ...rest]);
    assert.equal(faults.produced, 1, `${faults.produced} produce requests for 256 writes of one turn`);
    const where = new Map((await readOffsets(topic)).map((r) => [r.value, `${topic}/${r.partition}@${r.offset}`]));
    assert.deepEqual(positions.map((p) => p.position), Array.from({ length: 256 }, (_, i) => where.get(`v${i}`)));
  });

  it('does not send a waiting write whose signal aborted, and sends the others', async () => {
    const abort = new AbortController();
    const first = write('a', 'first'); // goes out alone (the producer has not seen the topic yet); the next three wait for it
    const kept = write('a', 'kept');
    const dropped = write('a', 'dropped', abort.signal);
    const last = write('a', 'last');
    abort.abort();
    await assert.rejects(dropped, (error: Error) => error.message === 'component Orders: aborted');
    await Promise.all([first, kept, last]);
    assert.deepEqual((await readTopic(topic)).map((m) => m.value), ['first', 'kept', 'last']);
  });
});
