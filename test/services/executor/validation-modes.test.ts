// Validation modes against real targets: strict parks exactly the invalid payloads, warn delivers them with a warning, dry-run writes nothing.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { createConnector } from '../../../executor/connectors/registry';
import { retryRun, startRun, type EngineDeps, type RunResult } from '../../../executor/engine';
import { readJournal } from '../../support/run-folders';
import type { JournalRecord } from '../../../protocol/journal-records';
import { OpenParked, type ParkedRecord } from '../../../executor/run-history';
import { environmentSecrets } from '../../../executor/values';
import type { ExecutorEvent } from '../../../protocol/executor-events';
import { deleteQueue, drainQueue, fillQueue, kafkaBrokers, produce } from './broker-clients';
import { RecordingHttpServer } from './recording-http-server';
import { useScratchTables } from './scratch-tables';

const ORDER_SCHEMA = {
  type: 'object',
  required: ['orderId', 'amount'],
  properties: { orderId: { type: 'integer' }, amount: { type: 'number', minimum: 0 } },
};
const valid = Array.from({ length: 6 }, (_, i) => ({ key: `order-${i}`, value: { orderId: i, amount: i * 10 } as Record<string, unknown> }));
/** Each breaks the schema differently; the problem is ajv's sentence for it. */
const invalid = [
  { key: 'order-6', value: { orderId: 'six', amount: 1 }, problem: '/orderId must be integer' },
  { key: 'order-7', value: { orderId: 7 }, problem: "/ must have required property 'amount'" },
  { key: 'order-8', value: { orderId: 8, amount: -3 }, problem: '/amount must be >= 0' },
];
const all = [...valid, ...invalid.map(({ key, value }) => ({ key, value: value as Record<string, unknown> }))];

async function topicEnd(topic: string): Promise<string[]> {
  const admin = new Kafka({ clientId: 'flowtracer-test', brokers: kafkaBrokers().split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).sort((a, b) => a.partition - b.partition).map((o) => `${o.partition}@${o.high}`);
  } finally {
    await admin.disconnect();
  }
}

/** The messages still parked after these records, payloads and all. */
function openParked(records: Iterable<JournalRecord>): ParkedRecord[] {
  const open = new OpenParked<ParkedRecord>();
  for (const r of records) {
    if (r.t === 'parked') open.park(r);
    else if (r.t === 'unparked') open.unpark(r.id);
  }
  return open.list();
}

describe('validation modes against real targets', () => {
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  let dir: string;
  let events: ExecutorEvent[];
  const scratch = useScratchTables(tag);
  const queues: string[] = [];
  const servers: RecordingHttpServer[] = [];
  const deps = (): EngineDeps => ({
    connectors: createConnector, env: process.env, secrets: environmentSecrets({}),
    emit: (e) => events.push(e), runsDir: join(dir, 'runs'), signal: AbortSignal.timeout(60_000),
  });
  const flow = (name: string, defaults: string, components: string, connections: string): string => {
    writeFileSync(join(dir, 'order.schema.json'), JSON.stringify(ORDER_SCHEMA));
    const file = join(dir, `${name}.flow.yaml`);
    writeFileSync(file, `flow: ${name}\ndefaults:\n  retry: { strategy: fixed, delay: 20ms, maxAttempts: 2 }\n${defaults}components:\n${components}connections:\n${connections}`);
    return file;
  };
  const kafka = (name: string, topic: string) => `  ${name}:\n    type: kafka\n    brokers: ["\${env:FLOWTRACER_TEST_KAFKA_BROKERS}"]\n    topic: ${topic}\n`;
  const mq = (name: string, queue: string) => `  ${name}:\n    type: mq\n    url: "\${env:FLOWTRACER_TEST_AMQP_URL}"\n    queue: ${queue}\n`;
  const database = (name: string, extra = '') => `  ${name}:\n    type: database\n    url: "\${env:FLOWTRACER_TEST_PG_URL}"\n${extra}`;
  const api = (name: string, url: string) => `  ${name}:\n    type: api\n    url: ${url}\n`;
  const toTable = (table: string) => `    operation: insert\n    table: ${table}\n    columns: { order_id: $.orderId, amount: $.amount }\n`;
  const counts = (result: RunResult) => result.reconciliation.map((r) => [r.connection, r.read, r.delivered, r.parked, r.filtered]);
  const journal = async (result: RunResult): Promise<readonly JournalRecord[]> => (await readJournal(result.directory)).records;
  const newTable = (name: string): Promise<string> => scratch.create(name, 'order_id integer NOT NULL, amount integer NOT NULL');
  const newQueue = async (name: string, messages: readonly { key: string; value: unknown }[] = []): Promise<string> => {
    const queue = `ft-${name}-${tag}`;
    await fillQueue(queue, messages);
    queues.push(queue);
    return queue;
  };
  const newServer = async (): Promise<{ server: RecordingHttpServer; url: string }> => {
    const server = new RecordingHttpServer(() => ({ status: 202 }));
    servers.push(server);
    return { server, url: await server.start('/events') };
  };
  const rows = async (table: string) => (await scratch.db.query<{ order_id: number; amount: number }>(`SELECT order_id, amount FROM ${table} ORDER BY order_id`)).rows;

  after(async () => {
    for (const queue of queues) await deleteQueue(queue);
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ft-modes-'));
    events = [];
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('strict (set on the target) parks exactly the invalid payloads, unretried, the table gets exactly the valid ones, and retry under a relaxed schema delivers the one that now passes @kafka', async () => {
    const topic = `ft-strict-${tag}`;
    await produce(topic, all);
    const table = await newTable('strict');
    const file = flow('strict', '', kafka('Orders', topic) + database('OrderDB', '    validation: strict\n'),
      `  - from: Orders\n    to: OrderDB\n    select: { from: earliest, until: end }\n    schema: order.schema.json\n${toTable(table)}`);
    const result = await startRun(file, {}, deps());
    assert.equal(result.status, 'failed', 'parked messages fail the component');
    assert.deepEqual(counts(result), [['Orders -> OrderDB', 9, 6, 3, 0]]);
    assert.deepEqual(await rows(table), valid.map((o) => ({ order_id: o.value.orderId, amount: o.value.amount })));
    const parked = (await journal(result)).filter((r): r is Extract<JournalRecord, { t: 'parked' }> => r.t === 'parked').sort((a, b) => a.key!.localeCompare(b.key!));
    assert.deepEqual(parked.map((p) => [p.component, p.key, p.attempts, p.error, JSON.parse(Buffer.from(p.payload!, 'base64').toString()) as unknown]),
      invalid.map((o) => ['OrderDB', o.key, 0, `the payload does not match the schema: ${o.problem}`, o.value]));
    assert.equal(result.parked, 3);

    // The schema is relaxed to allow negative amounts: retry delivers exactly that parked order and parks the other two again.
    writeFileSync(join(dir, 'order.schema.json'), JSON.stringify({ ...ORDER_SCHEMA, properties: { ...ORDER_SCHEMA.properties, amount: { type: 'number' } } }));
    const retried = await retryRun(result.runId, 'OrderDB', deps());
    // The run's totals: the delivered one moved from parked to delivered; the other two stay parked.
    assert.deepEqual(counts(retried), [['Orders -> OrderDB', 9, 7, 2, 0]]);
    assert.deepEqual(await rows(table), [...valid.map((o) => ({ order_id: o.value.orderId, amount: o.value.amount })), { order_id: 8, amount: -3 }]);
    const open = openParked((await readJournal(retried.directory)).records).map((p) => p.key).sort();
    assert.deepEqual(open, ['order-6', 'order-7']);
    assert.equal(retried.parked, 2);
  });

  it('warn (the flow default) delivers every payload to the api and logs one warning per invalid one', async () => {
    const queue = await newQueue('warn', all);
    const { server, url } = await newServer();
    const file = flow('warn', '  validation: warn\n', mq('Intake', queue) + api('Events', url),
      '  - from: Intake\n    to: Events\n    select: { until: empty }\n    schema: order.schema.json\n');
    const result = await startRun(file, {}, deps());
    assert.equal(result.status, 'succeeded', result.error);
    assert.deepEqual(counts(result), [['Intake -> Events', 9, 9, 0, 0]]);
    const byId = (list: unknown[]) => list.map((v) => JSON.stringify(v)).sort();
    assert.deepEqual(byId(server.bodies()), byId(all.map((o) => o.value)));
    const expected = invalid.map((o) => `Intake -> Events: message ${o.key} does not match the schema: ${o.problem}`);
    const warnings = events.filter((e) => e.type === 'log' && e.level === 'warn').map((e) => (e as { message: string }).message).sort();
    assert.deepEqual(warnings, expected);
    const journaled = (await journal(result)).filter((r) => r.t === 'log' && r.level === 'warn').map((r) => (r as { message: string }).message).sort();
    assert.deepEqual(journaled, expected);
    assert.deepEqual(await drainQueue(queue), []);
  });

  it('strict with a 2020-12 schema checks formats: an order with a bad date-time is parked, the rest reach the queue', async () => {
    const orders = ['2026-11-29T03:00:00Z', 'yesterday', '2026-11-29T04:30:00+01:00', '2026-13-45T99:00:00Z', '2026-11-28T23:59:59.5Z']
      .map((placedAt, i) => ({ key: `order-${i}`, value: { orderId: i, placedAt } }));
    const from = await newQueue('strict-fmt-in', orders);
    const to = await newQueue('strict-fmt-out');
    const file = flow('strict-formats', '  validation: strict\n', mq('Intake', from) + mq('Placed', to), '  - from: Intake\n    to: Placed\n    select: { until: empty }\n    schema: placed.schema.json\n');
    writeFileSync(join(dir, 'placed.schema.json'), JSON.stringify({
      $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', required: ['placedAt'], properties: { placedAt: { type: 'string', format: 'date-time' } },
    }));
    const result = await startRun(file, {}, deps());
    assert.deepEqual(counts(result), [['Intake -> Placed', 5, 3, 2, 0]]);
    assert.deepEqual((await drainQueue(to)).map((m) => m.key).sort(), ['order-0', 'order-2', 'order-4']);
    const parked = (await journal(result)).filter((r): r is Extract<JournalRecord, { t: 'parked' }> => r.t === 'parked').sort((a, b) => a.key!.localeCompare(b.key!));
    assert.deepEqual(parked.map((p) => [p.key, p.error]), ['order-1', 'order-3'].map((key) => [key, 'the payload does not match the schema: /placedAt must match format "date-time"']));
  });

  it('dry-run reads and validates but writes nothing to a kafka, mq, database or api target @kafka', async () => {
    const source = `ft-dry-src-${tag}`;
    const target = `ft-dry-dst-${tag}`;
    await produce(source, all);
    await produce(target, [{ key: 'existing-1', value: { existing: 1 } }, { key: 'existing-2', value: { existing: 2 } }]);
    const endBefore = await topicEnd(target);
    const queue = await newQueue('dry');
    const table = await newTable('dry');
    await scratch.db.query(`INSERT INTO ${table} VALUES (100, 1)`);
    const { server, url } = await newServer();
    const checked = '    select: { from: earliest, until: end }\n    schema: order.schema.json\n';
    const file = flow('dry-run', '', kafka('Orders', source) + kafka('Copy', target) + mq('OrderQueue', queue) + database('OrderDB') + api('Events', url),
      `  - from: Orders\n    to: Copy\n${checked}  - from: Orders\n    to: OrderQueue\n${checked}  - from: Orders\n    to: OrderDB\n${checked}${toTable(table)}  - from: Orders\n    to: Events\n${checked}`);

    const result = await startRun(file, { mode: 'dry-run' }, deps());
    assert.equal(result.status, 'succeeded', result.error);
    // What would be delivered: the six valid payloads on each connection; the three invalid ones filtered.
    assert.deepEqual(counts(result).sort(), [
      ['Orders -> Copy', 9, 6, 0, 3], ['Orders -> Events', 9, 6, 0, 3], ['Orders -> OrderDB', 9, 6, 0, 3], ['Orders -> OrderQueue', 9, 6, 0, 3],
    ]);
    assert.deepEqual(await topicEnd(target), endBefore, 'nothing produced to the kafka target');
    assert.deepEqual(await drainQueue(queue), [], 'nothing published to the mq target');
    assert.deepEqual(await rows(table), [{ order_id: 100, amount: 1 }], 'nothing written to the database target');
    assert.deepEqual(server.requests, [], 'no request to the api target');
    assert.equal(server.heads, 1, 'only the pre-flight reached the api (with HEAD)');
    const records = await journal(result);
    assert.deepEqual(records.filter((r) => r.t === 'in-flight' || r.t === 'committed'), [], 'nothing sent, no source position committed');
    assert.equal(records.filter((r) => r.t === 'delivered' && r.target === 'dry-run').length, 24);
    assert.deepEqual(records.filter((r) => r.t === 'filtered').map((r) => (r as { key: string }).key).sort(), invalid.flatMap((o) => Array(4).fill(o.key)).sort());
  });
});
