// The database connector against the real PostgreSQL at FLOWTRACER_TEST_PG_URL.
import { MASK } from '../../../flow/secret-mask';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { DatabaseConnector } from '../../../executor/connectors/database';
import type { ConnectorError, SourceMessage } from '../../../executor/connectors/connector';

const url = () => process.env.FLOWTRACER_TEST_PG_URL ?? '';
const signal = () => AbortSignal.timeout(10_000);
const json = (value: unknown) => ({ key: null, value: Buffer.from(JSON.stringify(value)), headers: {} });

/** Starts `count` writes in order with at most `limit` unconfirmed at once, as the engine does. */
async function inFlight<T>(count: number, limit: number, start: (i: number) => Promise<T>): Promise<T[]> {
  const results: Promise<T>[] = [];
  const running = new Set<Promise<T>>();
  for (let i = 0; i < count; i++) {
    if (running.size >= limit) await Promise.race(running);
    const write = start(i);
    results.push(write);
    running.add(write);
    void write.finally(() => running.delete(write)).catch(() => undefined);
  }
  return Promise.all(results);
}

describe('database connector', () => {
  let table: string;
  let client: pg.Client;
  let connector: DatabaseConnector;

  beforeEach(async () => {
    table = `ft_${randomUUID().replace(/-/g, '')}`;
    client = new pg.Client({ connectionString: url() });
    await client.connect();
    await client.query(`CREATE TABLE ${table} (order_id text PRIMARY KEY, amount integer, body jsonb)`);
    connector = new DatabaseConnector('OrderDB', { url: url() });
  });

  afterEach(async () => {
    await connector.close();
    await client.query(`DROP TABLE IF EXISTS ${table}`);
    await client.end();
  });

  it('runs a query with params as a source, one JSON message per row keyed by a column', async () => {
    await connector.preflight();
    await client.query(`INSERT INTO ${table} VALUES ('a', 1, null), ('b', 2, null), ('c', 3, null)`);
    const reader = await connector.openReader({ select: { query: `SELECT order_id, amount FROM ${table} WHERE amount >= $1 ORDER BY order_id`, params: [2] }, keyColumn: 'order_id' });
    const rows: SourceMessage[] = [];
    for await (const row of reader.messages(signal())) rows.push(row);
    assert.deepEqual(rows.map((r) => [r.key, r.value.toString(), r.position]), [['b', '{"order_id":"b","amount":2}', 'key "b"'], ['c', '{"order_id":"c","amount":3}', 'key "c"']]);
  });

  it('positions a keyed query\'s rows by their key as PostgreSQL writes it, and a resume reads only from the last one on, in the column\'s own order', async () => {
    const mine = `${table}_keyset`;
    await client.query(`CREATE TABLE ${mine} (id integer, at timestamp, note text)`);
    try {
      // Numbers whose text order differs (10 < 9 as text), a key that repeats, a row without a key.
      await client.query(`INSERT INTO ${mine} VALUES (9, '2026-11-01 10:00:00.000001', 'a'), (10, '2026-11-01 10:00:00.000002', 'b'), (10, '2026-11-01 10:00:00.000003', 'c'),
        (10, '2026-11-01 10:00:00.000004', 'd'), (100, '2026-11-01 10:00:00.000005', 'e'), (null, null, 'f')`);
      const read = async (settings: Record<string, unknown>): Promise<string[]> => {
        const reader = await connector.openReader(settings);
        const out: string[] = [];
        for await (const row of reader.messages(signal())) out.push(`${row.position} ${(JSON.parse(row.value.toString()) as { note: string }).note}`);
        return out;
      };
      const byId = (resumeFrom?: { position: string; committed: number }, limit?: number) =>
        read({ select: { query: `SELECT id, note FROM ${mine} WHERE note <> $1 ORDER BY id;`, params: ['z'], ...(limit ? { limit } : {}) }, keyColumn: 'id', ...(resumeFrom ? { resumeFrom } : {}) });
      assert.deepEqual(await byId(), ['key "9" a', 'key "10" b', 'key "10" #2 c', 'key "10" #3 d', 'key "100" e', 'key null f']);
      // Rows before the last key are never read again: deleted or added there, they change nothing.
      await client.query(`DELETE FROM ${mine} WHERE note = 'a'`);
      await client.query(`INSERT INTO ${mine} VALUES (1, null, 'new before')`);
      // Rows sharing the last key are told apart by their order: those committed are skipped.
      assert.deepEqual(await byId({ position: 'key "10" #2', committed: 3 }), ['key "10" #3 d', 'key "100" e', 'key null f']);
      assert.deepEqual(await byId({ position: 'key "9"', committed: 1 }), ['key "10" b', 'key "10" #2 c', 'key "10" #3 d', 'key "100" e', 'key null f']);
      assert.deepEqual(await byId({ position: 'key "100"', committed: 5 }), ['key null f']);
      assert.deepEqual(await byId({ position: 'key null', committed: 6 }), []);
      // `limit` counts the rows the run committed before the resume.
      assert.deepEqual(await byId({ position: 'key "9"', committed: 1 }, 3), ['key "10" b', 'key "10" #2 c']);
      // A timestamp keeps its microseconds (a JS Date would not): the resume starts exactly after it.
      const byTime = (resumeFrom?: { position: string; committed: number }) => read({ select: { query: `SELECT at, note FROM ${mine} WHERE at IS NOT NULL ORDER BY at` }, keyColumn: 'at', ...(resumeFrom ? { resumeFrom } : {}) });
      assert.deepEqual(await byTime(), ['key "2026-11-01 10:00:00.000002" b', 'key "2026-11-01 10:00:00.000003" c', 'key "2026-11-01 10:00:00.000004" d', 'key "2026-11-01 10:00:00.000005" e']);
      assert.deepEqual(await byTime({ position: 'key "2026-11-01 10:00:00.000003"', committed: 2 }), ['key "2026-11-01 10:00:00.000004" d', 'key "2026-11-01 10:00:00.000005" e']);
      await assert.rejects(connector.openReader({ select: { query: `SELECT note FROM ${mine}` }, keyColumn: 'id' }), (error: ConnectorError) =>
        error.errorClass === 'validation' && error.message === 'component OrderDB: the query\'s rows have no column `id` (the connection\'s `keyColumn`)');
    } finally {
      await client.query(`DROP TABLE IF EXISTS ${mine}`);
    }
  });

  it('upserts by key in one transaction per batch, with the whole message in a column', async () => {
    const writer = await connector.openWriter({ operation: 'upsert', table, key: 'order_id', columns: { order_id: '$.id', amount: '$.amount', body: '$' } });
    await writer.writeBatch([json({ id: 'a', amount: 1 }), json({ id: 'b', amount: 2 })]);
    await writer.write(json({ id: 'a', amount: 10 }));
    const { rows } = await client.query(`SELECT order_id, amount, body FROM ${table} ORDER BY order_id`);
    assert.deepEqual(rows, [{ order_id: 'a', amount: 10, body: { id: 'a', amount: 10 } }, { order_id: 'b', amount: 2, body: { id: 'b', amount: 2 } }]);
  });

  it('groups concurrent writes into transactions: PostgreSQL sees fewer transactions than rows, and every write resolves after its commit', async () => {
    const writer = await connector.openWriter({ operation: 'insert', table, columns: { order_id: '$.id', amount: '$.n' } });
    // When a write resolves, its row is committed: another connection sees it at once (sampled: every 50th write).
    const seen: Promise<number>[] = [];
    const deliveries = await inFlight(1_000, 100, async (i) => {
      const delivery = await writer.write(json({ id: `o${i}`, n: i }), signal());
      if (i % 50 === 0) seen.push(client.query(`SELECT 1 FROM ${table} WHERE order_id = $1`, [`o${i}`]).then((r) => r.rowCount ?? 0));
      return delivery;
    });
    assert.equal(deliveries.length, 1_000);
    assert.deepEqual(await Promise.all(seen), Array(20).fill(1));
    // xmin is the id of the transaction that wrote a row: PostgreSQL's own count of the transactions.
    const { rows } = await client.query(`SELECT count(*)::int AS n, count(DISTINCT xmin::text)::int AS transactions, sum(amount)::int AS total FROM ${table}`);
    assert.equal(rows[0].n, 1_000);
    assert.equal(rows[0].total, (999 * 1_000) / 2);
    assert.ok(rows[0].transactions < 100, `${rows[0].transactions} transactions for 1,000 writes`);
    assert.equal(rows[0].transactions, writer.committedTransactions);
    assert.ok(deliveries.every((d) => /^(tx )?row \d+ \(1 affected\)$/.test(d.position)), deliveries[0]!.position);
  });

  it('keeps each key\'s order: 2,000 upserts over 5 keys with 100 in flight end with each key\'s last value', async () => {
    const writer = await connector.openWriter({ operation: 'upsert', table, key: 'order_id', columns: { order_id: '$.id', amount: '$.n' } });
    await inFlight(2_000, 100, (i) => writer.write(json({ id: `k${i % 5}`, n: i }), signal()));
    const { rows } = await client.query(`SELECT order_id, amount FROM ${table} ORDER BY order_id`);
    assert.deepEqual(rows, [0, 1, 2, 3, 4].map((k) => ({ order_id: `k${k}`, amount: 1_995 + k })));
    assert.ok(writer.committedTransactions < 2_000 / 10, `${writer.committedTransactions} transactions`);
  });

  it('delivers every other row of a batch whose one row breaks a constraint, and rejects only that one as validation', async () => {
    await client.query(`ALTER TABLE ${table} ALTER COLUMN amount SET NOT NULL`);
    const writer = await connector.openWriter({ operation: 'insert', table, columns: { order_id: '$.id', amount: '$.n' } });
    const settled = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => writer.write(json({ id: `o${i}`, n: i === 17 ? null : i }), signal())));
    const rejected = settled.flatMap((s, i) => (s.status === 'rejected' ? [[i, (s.reason as ConnectorError).errorClass, (s.reason as Error).message]] : []));
    assert.equal(rejected.length, 1, JSON.stringify(rejected));
    assert.deepEqual(rejected[0]!.slice(0, 2), [17, 'validation']);
    assert.match(String(rejected[0]![2]), /^component OrderDB: the transaction failed: null value in column "amount"/);
    const { rows } = await client.query(`SELECT order_id FROM ${table} ORDER BY amount`);
    assert.deepEqual(rows.map((r: { order_id: string }) => r.order_id), Array.from({ length: 50 }, (_, i) => `o${i}`).filter((id) => id !== 'o17'));
    // A value of the wrong type is bad data too: rejected alone, not retried.
    await assert.rejects(writer.write(json({ id: 'x', n: 'not a number' }), signal()), (error: ConnectorError) => error.errorClass === 'validation');
  });

  it('fails an update of a key with no row as validation, naming table and key; a delete of a missing row is delivered with 0 affected', async () => {
    await client.query(`INSERT INTO ${table} VALUES ('a', 1, null), ('b', 2, null)`);
    const update = await connector.openWriter({ operation: 'update', table, key: 'order_id', columns: { order_id: '$.id', amount: '$.n' } });
    const updates = await Promise.allSettled([update.write(json({ id: 'a', n: 10 }), signal()), update.write(json({ id: 'zz', n: 5 }), signal()), update.write(json({ id: 'b', n: 20 }), signal())]);
    assert.deepEqual(updates.map((u) => u.status), ['fulfilled', 'rejected', 'fulfilled']);
    const missing = (updates[1] as PromiseRejectedResult).reason as ConnectorError;
    assert.equal(missing.errorClass, 'validation');
    assert.equal(missing.message, `component OrderDB: no row in ${table} with order_id = "zz" to update`);
    const remove = await connector.openWriter({ operation: 'delete', table, key: 'order_id', columns: { order_id: '$.id' } });
    assert.match((await remove.write(json({ id: 'zz' }), signal())).position, /\(0 affected\)$/);
    assert.match((await remove.write(json({ id: 'b' }), signal())).position, /\(1 affected\)$/);
    assert.deepEqual((await client.query(`SELECT order_id, amount FROM ${table}`)).rows, [{ order_id: 'a', amount: 10 }]);
  });

  it('fails a batch whose session PostgreSQL terminates as connection (retryable), rolled back, and writes again on a fresh session', async () => {
    // A trigger holds the batch's transaction open long enough to end its session from outside.
    const mine = table;
    await client.query(`CREATE FUNCTION ${table}_slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.amount < 0 THEN PERFORM pg_sleep(30); END IF; RETURN NEW; END $$`);
    await client.query(`CREATE TRIGGER slow BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION ${table}_slow()`);
    const name = `Db${randomUUID().slice(0, 8)}`;
    const own = new DatabaseConnector(name, { url: url() });
    try {
      const writer = await own.openWriter({ operation: 'insert', table, columns: { order_id: '$.id', amount: '$.n' } });
      const writes = Array.from({ length: 10 }, (_, i) => writer.write(json({ id: `o${i}`, n: i === 5 ? -1 : i }), signal()));
      const settled = Promise.allSettled(writes);
      // Only this connector's session: its application_name carries the component's unique name.
      const session = `flowtracer ${name} (pid ${process.pid})`;
      let terminated = false;
      while (!terminated) {
        const { rows } = await client.query(`SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'INSERT%' AND state = 'active'`, [session]);
        terminated = rows.some((r: { done: boolean }) => r.done);
      }
      const outcomes = await settled;
      assert.deepEqual(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as ConnectorError).errorClass : 'delivered')), Array(10).fill('connection'));
      assert.equal((await client.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n, 0);
      const again = await Promise.all([1, 2, 3].map((i) => writer.write(json({ id: `p${i}`, n: i }), signal())));
      assert.equal(again.length, 3);
      assert.equal((await client.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n, 3);
    } finally {
      await own.close();
      await client.query(`DROP TABLE IF EXISTS ${mine}`);
      await client.query(`DROP FUNCTION IF EXISTS ${mine}_slow()`);
    }
  });

  it('drops the writes still waiting for a transaction when the run stops, and finishes the one being written', async () => {
    const mine = table;
    await client.query(`CREATE FUNCTION ${mine}_slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.amount < 0 THEN PERFORM pg_sleep(0.5); END IF; RETURN NEW; END $$`);
    await client.query(`CREATE TRIGGER slow BEFORE INSERT ON ${mine} FOR EACH ROW EXECUTE FUNCTION ${mine}_slow()`);
    try {
      const writer = await connector.openWriter({ operation: 'insert', table, columns: { order_id: '$.id', amount: '$.n' } });
      const stop = new AbortController();
      const slow = writer.write(json({ id: 'slow', n: -1 }), stop.signal);
      // Let the flusher take the slow write alone; these queue behind it.
      await new Promise((resolve) => setImmediate(resolve));
      const queued = [1, 2, 3].map((i) => writer.write(json({ id: `q${i}`, n: i }), stop.signal));
      stop.abort();
      const outcomes = await Promise.allSettled(queued);
      assert.deepEqual(outcomes.map((o) => o.status === 'rejected' && [(o.reason as ConnectorError).errorClass, (o.reason as Error).message]), Array(3).fill(['timeout', 'component OrderDB: aborted']));
      assert.match((await slow).position, /\(1 affected\)$/);
      await writer.close();
      assert.deepEqual((await client.query(`SELECT order_id FROM ${mine}`)).rows, [{ order_id: 'slow' }]);
    } finally {
      await client.query(`DROP TABLE IF EXISTS ${mine}`);
      await client.query(`DROP FUNCTION IF EXISTS ${mine}_slow()`);
    }
  });

  it('reads a 20,000-row query in pages of 500, in order, fetching the next page only when the run asks for it', async () => {
    await client.query(`INSERT INTO ${table} SELECT 'o' || lpad(i::text, 5, '0'), i, null FROM generate_series(1, 20000) AS i`);
    const pages: number[] = [];
    const paged = new DatabaseConnector('OrderDB', { url: url() }, { onPage: (rows) => pages.push(rows) });
    try {
      const reader = await paged.openReader({ select: { query: `SELECT order_id, amount FROM ${table} ORDER BY amount` }, keyColumn: 'order_id' });
      let seen = 0;
      for await (const row of reader.messages(signal())) {
        seen++;
        // Never more than the page being yielded: row n arrives once ceil(n / 500) pages were fetched, not more.
        assert.equal(pages.length, Math.ceil(seen / 500), `pages fetched when row ${seen} arrived`);
        assert.equal(row.position, `key "o${String(seen).padStart(5, '0')}"`);
        assert.equal(JSON.parse(row.value.toString()).amount, seen);
        if (seen === 1 || seen === 20_000) assert.equal(row.key, `o${String(seen).padStart(5, '0')}`);
      }
      assert.equal(seen, 20_000);
      assert.deepEqual(pages, [...Array(40).fill(500), 0]);
      await reader.close();
      pages.length = 0;
      const limited = await paged.openReader({ select: { query: `SELECT order_id FROM ${table} ORDER BY amount`, limit: 1_200 } });
      let count = 0;
      for await (const _ of limited.messages(signal())) count++;
      assert.equal(count, 1_200);
      assert.deepEqual(pages, [500, 500, 200]);
    } finally {
      await paged.close();
    }
  });

  it('fails opening a reader whose query is bad, as validation, before anything is read', async () => {
    await assert.rejects(connector.openReader({ select: { query: `SELECT nope FROM ${table}` } }), (error: ConnectorError) =>
      error.errorClass === 'validation' && error.message.startsWith('component OrderDB: the query failed: column "nope" does not exist'));
  });

  it('refuses a table name that is not an identifier, before any SQL runs', async () => {
    await assert.rejects(connector.openWriter({ table: 'orders; drop table x', columns: { a: '$' } }), /component OrderDB: `orders; drop table x` is not a valid table or column name/);
  });

  it('names the component and masks the password when PostgreSQL is unreachable', async () => {
    const down = new DatabaseConnector('Down', { url: 'postgres://app:s3cret@127.0.0.1:1/x' });
    await assert.rejects(down.preflight(), (error: Error) => error.message.startsWith(`component Down: PostgreSQL at postgres://app:${MASK}@127.0.0.1:1/x is unreachable`) && !error.message.includes('s3cret'));
    await down.close();
  });
});
