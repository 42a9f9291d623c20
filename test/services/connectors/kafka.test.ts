// The kafka connector against the real broker the services fixture started (Kafka 4.x by default, 3.9.1 with KAFKA_VERSION).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaConnector } from '../../../executor/connectors/kafka';
import type { SourceMessage } from '../../../executor/connectors/connector';
import { produceTransactions } from '../executor/broker-clients';
import { createTopic } from '../../support/kafka-topics';

const brokers = () => [process.env.FLOWTRACER_TEST_KAFKA_BROKERS ?? ''];
const signal = () => AbortSignal.timeout(15_000);

async function collect(iterable: AsyncIterable<SourceMessage>): Promise<SourceMessage[]> {
  const out: SourceMessage[] = [];
  for await (const message of iterable) out.push(message);
  return out;
}

describe('kafka connector @kafka', function () {
  this.timeout(60_000);
  const admin = () => new Kafka({ brokers: brokers(), logLevel: logLevel.NOTHING }).admin();
  let topic: string;
  let connector: KafkaConnector;

  beforeEach(async () => {
    topic = `ft-${randomUUID()}`;
    const a = admin();
    await a.connect();
    await createTopic(a, { topic, numPartitions: 1 });
    await a.disconnect();
    connector = new KafkaConnector('Orders', { brokers: brokers(), topic, key: '$.id', groupId: `g-${topic}` });
  });

  afterEach(async () => {
    await connector.close();
    const a = admin();
    await a.connect();
    await a.deleteTopics({ topics: [topic] });
    await a.disconnect();
  });

  async function produce(count: number): Promise<string[]> {
    const writer = await connector.openWriter({}, signal());
    const positions: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const delivery = await writer.write({ key: null, value: Buffer.from(JSON.stringify({ id: `k${i}`, n: i })), headers: { traceparent: `t${i}` } }, signal());
      positions.push(delivery.position);
    }
    await writer.close();
    return positions;
  }

  it('passes pre-flight for an existing topic and names the component when the brokers are unreachable', async () => {
    await connector.preflight(signal());
    const down = new KafkaConnector('Down', { brokers: ['127.0.0.1:1'], topic });
    await assert.rejects(down.preflight(signal()), (error: Error) => error.message.startsWith('component Down: unreachable (Kafka at 127.0.0.1:1)'));
    await down.close();
  });

  it('produces with the key from the JSONPath and consumes the message back with its headers', async () => {
    assert.deepEqual(await produce(1), [`${topic}/0@0`]);
    const reader = await connector.openReader({ select: { from: 'earliest', until: 'end' } }, signal());
    const messages = await collect(reader.messages(signal()));
    assert.deepEqual(messages.map((m) => [m.key, m.value.toString(), m.headers.traceparent, m.position]), [['k0', '{"id":"k0","n":0}', 't0', `${topic}/0@0`]]);
    await reader.commit(messages[0]!);
    const offsets = await (async () => { const a = admin(); await a.connect(); const o = await a.fetchOffsets({ groupId: `g-${topic}`, topics: [topic] }); await a.disconnect(); return o; })();
    assert.equal(offsets[0]?.partitions[0]?.offset, '1');
    await reader.close();
  });

  it('reads a bounded select by offset and limit', async () => {
    await produce(6);
    const reader = await connector.openReader({ select: { from: 2, until: 5 } }, signal());
    assert.deepEqual((await collect(reader.messages(signal()))).map((m) => m.key), ['k2', 'k3', 'k4']);
    await reader.close();
    const limited = await connector.openReader({ select: { from: 'earliest', limit: 2 } }, signal());
    assert.deepEqual((await collect(limited.messages(signal()))).map((m) => m.key), ['k0', 'k1']);
    await limited.close();
  });

  it('reads a bounded select by time (ListOffsets by timestamp)', async () => {
    await produce(2);
    const middle = new Date().toISOString();
    // Timestamps are in ms: poll the clock until the next message is certainly later than `middle`.
    while (Date.now() <= Date.parse(middle)) await new Promise((resolve) => setImmediate(resolve));
    await produce(2);
    const reader = await connector.openReader({ select: { from: middle } }, signal());
    assert.deepEqual((await collect(reader.messages(signal()))).map((m) => m.position), [`${topic}/0@2`, `${topic}/0@3`]);
    await reader.close();
  });

  it('reads a topic a transactional producer wrote to its end (a commit marker): the committed messages, and commits past the marker', async () => {
    const batch = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => ({ key: `${prefix}${i}`, value: { id: `${prefix}${i}` }, partition: 0 }));
    // Offsets: a0 a1 a2, commit marker, b0 b1 (aborted), abort marker, c0 c1, commit marker: the end is 10.
    await produceTransactions(topic, [{ outcome: 'commit', messages: batch('a', 3) }, { outcome: 'abort', messages: batch('b', 2) }, { outcome: 'commit', messages: batch('c', 2) }]);
    const reader = await connector.openReader({ select: { from: 'earliest', until: 'end' } }, signal());
    const messages = await collect(reader.messages(signal()));
    assert.deepEqual(messages.map((m) => m.position), [0, 1, 2, 7, 8].map((o) => `${topic}/0@${o}`));
    for (const message of messages) await reader.commit(message);
    await reader.close();
    const a = admin();
    await a.connect();
    const offsets = await a.fetchOffsets({ groupId: `g-${topic}`, topics: [topic] });
    await a.disconnect();
    assert.equal(offsets[0]?.partitions[0]?.offset, '10', 'the last message\'s commit carries the offset past the trailing marker');
  });

  it('commits only up to the last contiguous confirmed offset', async () => {
    await produce(3);
    const reader = await connector.openReader({}, signal());
    const [m0, m1, m2] = await collect(reader.messages(signal()));
    await reader.commit(m1!);
    await reader.commit(m2!);
    const a = admin();
    await a.connect();
    const before = await a.fetchOffsets({ groupId: `g-${topic}`, topics: [topic] });
    await reader.commit(m0!);
    const after = await a.fetchOffsets({ groupId: `g-${topic}`, topics: [topic] });
    await a.disconnect();
    assert.deepEqual([before[0]?.partitions[0]?.offset, after[0]?.partitions[0]?.offset], ['-1', '3']);
    await reader.close();
  });
});
