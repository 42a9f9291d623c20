// `flowtracer send` publishes an .ndjson file through a component (checked against its connections' schema first); `export-messages` writes a topic slice that a send and an export give back byte for byte. Through the built CLI.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { createTopic } from '../../support/kafka-topics';
import { deleteQueue, drainQueue, kafkaBrokers } from '../executor/broker-clients';
import { CLI, runCli } from '../executor/cli-process';

interface Line {
  readonly key: string | null;
  readonly headers: Record<string, string>;
  readonly value?: string;
  readonly valueBase64?: string;
  readonly source: string;
}

const lines = (text: string): Line[] => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
/** What must survive a round trip: key, headers and the value's bytes, in each partition's order. */
const content = (l: Line) => ({ key: l.key, headers: l.headers, bytes: l.value !== undefined ? Buffer.from(l.value, 'utf8').toString('hex') : Buffer.from(l.valueBase64!, 'base64').toString('hex') });

describe('sending and exporting messages (through the CLI)', function () {
  this.timeout(120_000);
  const tag = randomBytes(4).toString('hex');
  let dir: string;
  // Made on first use: the services layer's global setup starts Kafka after the files are loaded.
  const kafka = () => new Kafka({ clientId: 'ft-send-test', brokers: kafkaBrokers().split(','), logLevel: logLevel.NOTHING });

  before(() => assert.ok(existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`));
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ft-send-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function topics(...names: string[]): Promise<void> {
    const admin = kafka().admin();
    await admin.connect();
    for (const topic of names) await createTopic(admin, { topic, numPartitions: 3 });
    await admin.disconnect();
  }

  it('round-trips a topic slice byte for byte: keys, headers, text, JSON and binary values', async () => {
    const [a, b] = [`ft-send-a-${tag}`, `ft-send-b-${tag}`];
    await topics(a, b);
    const file = join(dir, 'topics.flow.yaml');
    writeFileSync(file, `flow: send-${tag}
components:
  A: { type: kafka, brokers: ["\${env:FLOWTRACER_TEST_KAFKA_BROKERS}"], topic: ${a} }
  B: { type: kafka, brokers: ["\${env:FLOWTRACER_TEST_KAFKA_BROKERS}"], topic: ${b} }
`);
    const sent = Array.from({ length: 300 }, (_, i) => {
      const headers = { 'trace-id': `t-${i}`, 'content-type': i % 3 === 0 ? 'application/octet-stream' : 'application/json', 'ünï': 'çödé ✓' };
      if (i % 3 === 0) return { key: `k-${i % 40}`, headers, valueBase64: randomBytes(16 + (i % 7)).toString('base64') };
      if (i % 3 === 1) return { key: `k-${i % 40}`, headers, value: { n: i, nested: { list: [1, 2, i] } } };
      return { key: `k-${i % 40}`, headers, value: `  spaced text ${i}\n with a newline ` };
    });
    const input = join(dir, 'in.ndjson');
    writeFileSync(input, `${sent.map((m) => JSON.stringify(m)).join('\n')}\n`);
    const send = await runCli(['send', file, 'A', input]);
    assert.equal(send.code, 0, send.stderr);
    assert.match(send.stdout, /sent 300 of 300 messages to A/);

    const out1 = join(dir, 'a.ndjson');
    const exported = await runCli(['export-messages', file, 'A', out1]);
    assert.equal(exported.code, 0, exported.stderr);
    const first = lines(readFileSync(out1, 'utf8'));
    assert.equal(first.length, 300);
    // Per key (a key picks its partition), in the order sent.
    for (const key of new Set(sent.map((m) => m.key))) {
      const expected = sent.filter((m) => m.key === key).map((m) => ({
        key: m.key, headers: m.headers,
        bytes: 'valueBase64' in m ? Buffer.from(m.valueBase64!, 'base64').toString('hex') : Buffer.from(typeof m.value === 'string' ? m.value : JSON.stringify(m.value), 'utf8').toString('hex'),
      }));
      assert.deepEqual(first.filter((l) => l.key === key).map(content), expected, `key ${String(key)}`);
    }

    // The export, sent to another topic and exported again, is the same slice: same partitions, same order, same bytes.
    const again = await runCli(['send', file, 'B', out1]);
    assert.equal(again.code, 0, again.stderr);
    const out2 = join(dir, 'b.ndjson');
    assert.equal((await runCli(['export-messages', file, 'B', out2])).code, 0);
    const second = lines(readFileSync(out2, 'utf8'));
    const byPlace = (ls: Line[], topic: string) => ls.map((l) => ({ place: l.source.slice(topic.length), ...content(l) })).sort((x, y) => x.place.localeCompare(y.place));
    assert.deepEqual(byPlace(second, b), byPlace(first, a));

    const limited = join(dir, 'limited.ndjson');
    assert.equal((await runCli(['export-messages', file, 'A', limited, '--limit', '5', '--partitions', '0'])).code, 0);
    assert.deepEqual(lines(readFileSync(limited, 'utf8')).map((l) => l.source), first.filter((l) => l.source.startsWith(`${a}/0@`)).slice(0, 5).map((l) => l.source));
    const admin = kafka().admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [a, b] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('checks every message against the schema of the component\'s connections and sends nothing when one fails', async () => {
    const queue = `ft-send-q-${tag}`;
    const source = `ft-send-src-${tag}`;
    writeFileSync(join(dir, 'order.schema.json'), JSON.stringify({ type: 'object', required: ['orderId'], properties: { orderId: { type: 'integer' } } }));
    const file = join(dir, 'queue.flow.yaml');
    writeFileSync(file, `flow: send-q-${tag}
components:
  Orders: { type: kafka, brokers: ["\${env:FLOWTRACER_TEST_KAFKA_BROKERS}"], topic: ${source} }
  OrderQueue: { type: mq, url: "\${env:FLOWTRACER_TEST_AMQP_URL}", queue: ${queue} }
connections:
  - from: Orders
    to: OrderQueue
    schema: order.schema.json
`);
    try {
      const bad = join(dir, 'bad.ndjson');
      writeFileSync(bad, ['{"key":"1","value":{"orderId":1}}', '{"key":"2","value":{"orderId":"two"}}', '', '{"key":"3","value":{"orderId":3}}'].join('\n'));
      const refused = await runCli(['send', file, 'OrderQueue', bad]);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /line 2: does not match order\.schema\.json: \/orderId must be integer/);
      assert.match(refused.stderr, /nothing was sent/);
      assert.deepEqual(await drainQueue(queue), []);

      const malformed = join(dir, 'malformed.ndjson');
      writeFileSync(malformed, '{"key":"1","value":{"orderId":1}}\n{"key":"2",\n');
      const unparsable = await runCli(['send', file, 'OrderQueue', malformed]);
      assert.equal(unparsable.code, 2);
      assert.match(unparsable.stderr, /line 2: not JSON/);

      const good = join(dir, 'good.ndjson');
      writeFileSync(good, Array.from({ length: 200 }, (_, i) => JSON.stringify({ key: `o-${i}`, headers: { source: 'test' }, value: { orderId: i } })).join('\n'));
      const ok = await runCli(['send', file, 'OrderQueue', good, '--json']);
      assert.equal(ok.code, 0, ok.stderr);
      assert.deepEqual(JSON.parse(ok.stdout.trim()), { sent: 200, of: 200 });
      const queued = await drainQueue(queue);
      assert.deepEqual(queued.map((m) => m.key), Array.from({ length: 200 }, (_, i) => `o-${i}`));
      assert.deepEqual(queued[7], { key: 'o-7', value: { orderId: 7 }, headers: { source: 'test' } });
    } finally {
      await deleteQueue(queue);
    }
  });
});
