// End to end through the engine: Kafka into PostgreSQL (insert, upsert), a PostgreSQL query into Kafka, and a service's replies into an api.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnector } from '../../../executor/connectors/registry';
import { startRun, type EngineDeps, type RunResult } from '../../../executor/engine';
import { readJournal } from '../../support/run-folders';
import type { JournalRecord } from '../../../protocol/journal-records';
import { environmentSecrets } from '../../../executor/values';
import type { ExecutorEvent } from '../../../protocol/executor-events';
import { deleteQueue, drainQueue, fillQueue, produce, readTopic } from './broker-clients';
import { RecordingHttpServer } from './recording-http-server';
import { useScratchTables } from './scratch-tables';

const STATUS_TOKEN = 'st4tus-t0ken-5ecret';
type Parked = Extract<JournalRecord, { t: 'parked' }>;

describe('engine end to end with PostgreSQL and an api', () => {
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  let dir: string;
  let events: ExecutorEvent[];
  const scratch = useScratchTables(tag);
  const deps = (): EngineDeps => ({
    connectors: createConnector, env: process.env, secrets: environmentSecrets({ FLOWTRACER_SECRET_STATUS_TOKEN: STATUS_TOKEN }),
    emit: (e) => events.push(e), runsDir: join(dir, 'runs'), signal: AbortSignal.timeout(60_000),
  });
  const flow = (name: string, components: string, connections: string): string => {
    const file = join(dir, `${name}.flow.yaml`);
    writeFileSync(file, `flow: ${name}\ndefaults:\n  retry: { strategy: fixed, delay: 50ms, maxAttempts: 2 }\ncomponents:\n${components}connections:\n${connections}`);
    return file;
  };
  const kafka = (name: string, topic: string, extra = '') => `  ${name}:\n    type: kafka\n    brokers: ["\${env:FLOWTRACER_TEST_KAFKA_BROKERS}"]\n    topic: ${topic}\n${extra}`;
  const database = (name: string) => `  ${name}:\n    type: database\n    url: "\${env:FLOWTRACER_TEST_PG_URL}"\n`;
  const counts = (result: RunResult) => result.reconciliation.map((r) => [r.connection, r.read, r.delivered, r.parked, r.filtered]);
  const createTable = (name: string, columns: string): Promise<string> => scratch.create(name, columns);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ft-db-api-'));
    events = [];
  });
  afterEach(() => {
    const runs = existsSync(join(dir, 'runs')) ? readdirSync(join(dir, 'runs'), { withFileTypes: true }).filter((d) => d.isDirectory()) : [];
    for (const run of runs) {
      for (const file of readdirSync(join(dir, 'runs', run.name))) {
        assert.ok(!readFileSync(join(dir, 'runs', run.name, file), 'utf8').includes(STATUS_TOKEN), `${file} holds the api token`);
      }
    }
    assert.ok(!JSON.stringify(events).includes(STATUS_TOKEN), 'an event holds the api token');
    rmSync(dir, { recursive: true, force: true });
  });

  it('kafka→database inserts one row per message, columns taken by JSONPath @kafka', async () => {
    const topic = `ft-db-insert-${tag}`;
    const table = await createTable('insert', 'order_id integer NOT NULL, amount integer, customer text, body jsonb');
    const orders = Array.from({ length: 20 }, (_, i) => ({ key: `order-${i}`, value: { orderId: i, amount: i * 10, customer: { name: `c${i % 3}` } } }));
    await produce(topic, orders);
    const file = flow('kafka-to-db-insert', kafka('Orders', topic) + database('OrderDB'),
      `  - from: Orders\n    to: OrderDB\n    select: { from: earliest, until: end }\n    operation: insert\n    table: ${table}\n    columns: { order_id: $.orderId, amount: $.amount, customer: $.customer.name, body: $ }\n`);
    const result = await startRun(file, {}, deps());
    assert.equal(result.status, 'succeeded', result.error);
    assert.deepEqual(counts(result), [['Orders -> OrderDB', 20, 20, 0, 0]]);
    const { rows } = await scratch.db.query(`SELECT order_id, amount, customer, body FROM ${table} ORDER BY order_id`);
    assert.deepEqual(rows, orders.map((o) => ({ order_id: o.value.orderId, amount: o.value.amount, customer: o.value.customer.name, body: o.value })));
  });

  it('kafka→database upserts by key: a re-run and later updates change rows, never duplicate them @kafka', async () => {
    const first = `ft-db-upsert-a-${tag}`;
    const updates = `ft-db-upsert-b-${tag}`;
    const table = await createTable('upsert', 'order_id integer PRIMARY KEY, amount integer NOT NULL, body jsonb NOT NULL');
    const initial = Array.from({ length: 10 }, (_, i) => ({ key: `order-${i}`, value: { orderId: i, amount: i * 10 } }));
    // Five existing keys change, two keys are new: each key appears once per topic, so per-key order cannot matter.
    const changed = [0, 2, 4, 6, 8, 10, 11].map((i) => ({ key: `order-${i}`, value: { orderId: i, amount: i * 10 + 1 } }));
    await produce(first, initial);
    await produce(updates, changed);
    const upsertFrom = (name: string, topic: string) => flow(name, kafka('Orders', topic) + database('OrderDB'),
      `  - from: Orders\n    to: OrderDB\n    select: { from: earliest, until: end }\n    operation: upsert\n    table: ${table}\n    key: order_id\n    columns: { order_id: $.orderId, amount: $.amount, body: $ }\n`);
    const rows = async () => (await scratch.db.query<{ order_id: number; amount: number; body: unknown }>(`SELECT order_id, amount, body FROM ${table} ORDER BY order_id`)).rows;
    const expected = (list: readonly { value: { orderId: number; amount: number } }[]) => list.map((o) => ({ order_id: o.value.orderId, amount: o.value.amount, body: o.value }));

    const once = await startRun(upsertFrom('upsert-initial', first), {}, deps());
    assert.equal(once.status, 'succeeded', once.error);
    assert.deepEqual(await rows(), expected(initial));
    const again = await startRun(upsertFrom('upsert-initial', first), {}, deps());
    assert.equal(again.status, 'succeeded', again.error);
    assert.deepEqual(counts(again), [['Orders -> OrderDB', 10, 10, 0, 0]]);
    assert.deepEqual(await rows(), expected(initial), 're-running the same upserts leaves the table as it was');

    const updated = await startRun(upsertFrom('upsert-updates', updates), {}, deps());
    assert.equal(updated.status, 'succeeded', updated.error);
    assert.deepEqual(counts(updated), [['Orders -> OrderDB', 7, 7, 0, 0]]);
    const byId = new Map([...initial, ...changed].map((o) => [o.value.orderId, o]));
    assert.deepEqual(await rows(), expected([...byId.values()].sort((a, b) => a.value.orderId - b.value.orderId)));
  });

  it('kafka→database writes into the database component\'s PostgreSQL schema, not into public @kafka', async () => {
    const schema = `ft_sales_${tag}`;
    await scratch.db.query(`CREATE SCHEMA ${schema}`);
    try {
      const table = await createTable('schema_orders', 'order_id integer NOT NULL');
      await scratch.db.query(`CREATE TABLE ${schema}.${table} (order_id integer NOT NULL)`);
      const topic = `ft-db-schema-${tag}`;
      await produce(topic, [1, 2, 3].map((i) => ({ key: `order-${i}`, value: { orderId: i } })));
      const file = flow('kafka-to-db-schema', kafka('Orders', topic) + database('SalesDB') + `    schema: ${schema}\n`,
        `  - from: Orders\n    to: SalesDB\n    select: { from: earliest, until: end }\n    table: ${table}\n    columns: { order_id: $.orderId }\n`);
      const result = await startRun(file, {}, deps());
      assert.equal(result.status, 'succeeded', result.error);
      assert.deepEqual((await scratch.db.query(`SELECT order_id FROM ${schema}.${table} ORDER BY order_id`)).rows, [{ order_id: 1 }, { order_id: 2 }, { order_id: 3 }]);
      assert.deepEqual((await scratch.db.query(`SELECT order_id FROM public.${table}`)).rows, []);
      // A query source resolves an unqualified table in the same schema.
      const copy = `ft-db-schema-copy-${tag}`;
      await produce(copy, []);
      const back = flow('db-schema-to-kafka', database('SalesDB') + `    schema: ${schema}\n` + kafka('Copy', copy),
        `  - from: SalesDB\n    to: Copy\n    select: { query: "SELECT order_id FROM ${table} ORDER BY order_id" }\n    keyColumn: order_id\n`);
      const read = await startRun(back, {}, deps());
      assert.equal(read.status, 'succeeded', read.error);
      // keyColumn keys each row's message: the kafka component has no `key`, so the record key is the message's.
      assert.deepEqual((await readTopic(copy)).map((r) => [r.key, r.value]).sort(), [['1', { order_id: 1 }], ['2', { order_id: 2 }], ['3', { order_id: 3 }]]);
    } finally {
      await scratch.db.query(`DROP SCHEMA ${schema} CASCADE`);
    }
  });

  it('kafka→database updates and deletes rows by key; an update of a key with no row is parked, a delete of one is delivered @kafka', async () => {
    const table = await createTable('update_delete', 'order_id integer PRIMARY KEY, status text NOT NULL');
    await scratch.db.query(`INSERT INTO ${table} SELECT i, 'new' FROM generate_series(1, 6) AS i`);
    const shipped = `ft-db-update-${tag}`;
    const cancelled = `ft-db-delete-${tag}`;
    await produce(shipped, [2, 4, 99].map((i) => ({ key: `order-${i}`, value: { orderId: i, status: 'shipped' } })));
    await produce(cancelled, [5, 6, 98].map((i) => ({ key: `order-${i}`, value: { orderId: i } })));
    const file = flow('kafka-to-db-update-delete', kafka('Shipped', shipped) + kafka('Cancelled', cancelled) + database('OrderDB'),
      `  - from: Shipped\n    to: OrderDB\n    select: { from: earliest, until: end }\n    operation: update\n    table: ${table}\n    key: order_id\n    columns: { order_id: $.orderId, status: $.status }\n` +
      `  - from: Cancelled\n    to: OrderDB\n    select: { from: earliest, until: end }\n    operation: delete\n    table: ${table}\n    key: order_id\n    columns: { order_id: $.orderId }\n`);
    const result = await startRun(file, {}, deps());
    assert.equal(result.status, 'failed');
    assert.deepEqual(counts(result).sort(), [['Cancelled -> OrderDB', 3, 3, 0, 0], ['Shipped -> OrderDB', 3, 2, 1, 0]]);
    const parked = (await readJournal(result.directory)).records.filter((r): r is Parked => r.t === 'parked');
    // Not retried: no attempt can create the row.
    assert.deepEqual(parked.map((p) => [p.key, p.attempts, p.error]), [['order-99', 1, `component OrderDB: no row in ${table} with order_id = 99 to update (gave up after 1 attempt: not retryable)`]]);
    assert.deepEqual((await scratch.db.query(`SELECT order_id, status FROM ${table} ORDER BY order_id`)).rows.map((r: { order_id: number; status: string }) => [r.order_id, r.status]),
      [[1, 'new'], [2, 'shipped'], [3, 'new'], [4, 'shipped']]);
  });

  it('kafka→database parks exactly the row PostgreSQL refuses and delivers the others of its transaction @kafka', async () => {
    const topic = `ft-db-bad-row-${tag}`;
    const table = await createTable('bad_row', 'order_id integer PRIMARY KEY, amount integer NOT NULL');
    const orders = Array.from({ length: 40 }, (_, i) => ({ key: `order-${i}`, value: { orderId: i, amount: i === 23 ? null : i * 10 } }));
    await produce(topic, orders);
    const file = flow('kafka-to-db-bad-row', kafka('Orders', topic) + database('OrderDB'),
      `  - from: Orders\n    to: OrderDB\n    select: { from: earliest, until: end }\n    operation: insert\n    table: ${table}\n    columns: { order_id: $.orderId, amount: $.amount }\n`);
    const result = await startRun(file, {}, deps());
    assert.equal(result.status, 'failed');
    assert.deepEqual(counts(result), [['Orders -> OrderDB', 40, 39, 1, 0]]);
    const parked = (await readJournal(result.directory)).records.filter((r): r is Parked => r.t === 'parked');
    assert.deepEqual(parked.map((p) => [p.key, p.attempts, JSON.parse(Buffer.from(p.payload!, 'base64').toString()) as unknown]), [['order-23', 1, orders[23]!.value]]);
    assert.match(parked[0]!.error, /^component OrderDB: the transaction failed: null value in column "amount"/);
    assert.deepEqual((await scratch.db.query(`SELECT order_id FROM ${table} ORDER BY order_id`)).rows.map((r: { order_id: number }) => r.order_id),
      orders.map((o) => o.value.orderId).filter((id) => id !== 23));
  });

  it('api→database: each item of the api\'s GET answer at `items` is a row', async () => {
    const items = [{ id: 'e1', level: 'info' }, { id: 'e2', level: 'warn' }, { id: 'e3', level: 'error' }];
    const api = new RecordingHttpServer(() => ({ status: 200, body: JSON.stringify({ data: { events: items }, next: null }) }));
    const url = await api.start('/v1/events');
    try {
      const table = await createTable('api_events', 'event_id text NOT NULL, level text NOT NULL');
      const file = flow('api-to-db', `  Events:\n    type: api\n    url: ${url}\n    items: $.data.events\n` + database('EventDB'),
        `  - from: Events\n    to: EventDB\n    table: ${table}\n    columns: { event_id: $.id, level: $.level }\n`);
      const result = await startRun(file, {}, deps());
      assert.equal(result.status, 'succeeded', result.error);
      assert.deepEqual(counts(result), [['Events -> EventDB', 3, 3, 0, 0]]);
      assert.deepEqual(api.requests.map((r) => [r.method, r.path]), [['GET', '/v1/events']]);
      assert.deepEqual((await scratch.db.query(`SELECT event_id, level FROM ${table} ORDER BY event_id`)).rows, items.map((e) => ({ event_id: e.id, level: e.level })));
    } finally {
      await api.stop();
    }
  });

  it('database query→kafka: each row of the query (with params, one from an env default) is a record, keyed by the kafka component\'s key @kafka', async () => {
    const table = await createTable('customers', 'id integer PRIMARY KEY, name text NOT NULL, active boolean NOT NULL');
    await scratch.db.query(`INSERT INTO ${table} SELECT i, 'customer ' || i, i % 3 <> 0 FROM generate_series(1, 30) AS i`);
    const topic = `ft-db-query-${tag}`;
    await produce(topic, []);
    const file = flow('db-to-kafka', database('CustomerDB') + kafka('Customers', topic, '    key: $.id\n'),
      `  - from: CustomerDB\n    to: Customers\n    select: { query: "SELECT id, name FROM ${table} WHERE active = $1 AND id <= $2 ORDER BY id", params: [true, "\${env:FT_TEST_UNSET_MAX_ID:-20}"] }\n`);
    const result = await startRun(file, {}, deps());
    assert.equal(result.status, 'succeeded', result.error);
    const ids = Array.from({ length: 20 }, (_, i) => i + 1).filter((i) => i % 3 !== 0);
    assert.deepEqual(counts(result), [['CustomerDB -> Customers', ids.length, ids.length, 0, 0]]);
    const records = await readTopic(topic);
    assert.equal(records.length, ids.length);
    const byKey = [...records].sort((a, b) => Number(a.key) - Number(b.key));
    assert.deepEqual(byKey.map((r) => [r.key, r.value]), ids.map((id) => [String(id), { id, name: `customer ${id}` }]));
    assert.ok(records.every((r) => /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/.test(r.headers.traceparent ?? '')), 'every record carries a traceparent');
  });

  it('mq→service→api: the api receives exactly one request per service reply, with its headers and the trace', async () => {
    const queue = `ft-svc-api-${tag}`;
    const service = new RecordingHttpServer((request) => {
      const order = JSON.parse(request.body) as { orderId: number };
      return { status: 200, body: JSON.stringify({ orderId: order.orderId, status: 'accepted' }) };
    });
    const api = new RecordingHttpServer(() => ({ status: 202 }));
    const serviceUrl = await service.start('/orders');
    const apiUrl = await api.start('/v1/events');
    try {
      const orders = Array.from({ length: 8 }, (_, i) => ({ key: `order-${i}`, value: { orderId: i } }));
      await fillQueue(queue, orders);
      const file = flow('service-to-api',
        `  Intake:\n    type: mq\n    url: "\${env:FLOWTRACER_TEST_AMQP_URL}"\n    queue: ${queue}\n` +
        `  OrderService:\n    type: service\n    url: ${serviceUrl}\n    timeout: 2s\n` +
        `  StatusAPI:\n    type: api\n    url: ${apiUrl}\n    method: PUT\n    headers: { Authorization: "Bearer \${secret:status-token}" }\n`,
        '  - from: Intake\n    to: OrderService\n    select: { until: empty }\n  - from: OrderService\n    to: StatusAPI\n');
      const result = await startRun(file, {}, deps());
      assert.equal(result.status, 'succeeded', result.error);
      assert.deepEqual(counts(result), [['Intake -> OrderService', 8, 8, 0, 0], ['OrderService -> StatusAPI', 8, 8, 0, 0]]);
      assert.deepEqual(service.requests.map((r) => r.method), Array(8).fill('POST'));
      assert.deepEqual(api.requests.map((r) => [r.method, r.path, r.headers.authorization, r.headers['content-type']]), Array(8).fill(['PUT', '/v1/events', `Bearer ${STATUS_TOKEN}`, 'application/json']));
      const byOrder = (list: unknown[]) => [...list].sort((a, b) => (a as { orderId: number }).orderId - (b as { orderId: number }).orderId);
      assert.deepEqual(byOrder(api.bodies()), orders.map((o) => ({ orderId: o.value.orderId, status: 'accepted' })));
      // One trace per order across both hops: the api request carries the trace id the service saw for that order.
      const traceOf = (headers: Record<string, unknown>) => String(headers.traceparent).split('-')[1];
      const serviceTraces = new Map(service.requests.map((r) => [(JSON.parse(r.body) as { orderId: number }).orderId, traceOf(r.headers)]));
      assert.deepEqual(new Map(api.requests.map((r) => [(JSON.parse(r.body) as { orderId: number }).orderId, traceOf(r.headers)])), serviceTraces);
      assert.equal(new Set(serviceTraces.values()).size, 8);
      assert.deepEqual(await drainQueue(queue), []);
    } finally {
      await Promise.all([service.stop(), api.stop()]);
      await deleteQueue(queue);
    }
  });
});
