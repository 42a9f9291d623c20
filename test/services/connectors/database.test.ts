// The database connector against the real PostgreSQL at FLOWTRACER_TEST_PG_URL.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { DatabaseConnector } from '../../../executor/connectors/database';
import type { SourceMessage } from '../../../executor/connectors/connector';

const url = () => process.env.FLOWTRACER_TEST_PG_URL ?? '';
const signal = () => AbortSignal.timeout(10_000);
const json = (value: unknown) => ({ key: null, value: Buffer.from(JSON.stringify(value)), headers: {} });

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
    assert.deepEqual(rows.map((r) => [r.key, r.value.toString(), r.position]), [['b', '{"order_id":"b","amount":2}', 'row 1'], ['c', '{"order_id":"c","amount":3}', 'row 2']]);
  });

  it('upserts by key in one transaction per batch, with the whole message in a column', async () => {
    const writer = await connector.openWriter({ operation: 'upsert', table, key: 'order_id', columns: { order_id: '$.id', amount: '$.amount', body: '$' } });
    await writer.writeBatch([json({ id: 'a', amount: 1 }), json({ id: 'b', amount: 2 })]);
    await writer.write(json({ id: 'a', amount: 10 }));
    const { rows } = await client.query(`SELECT order_id, amount, body FROM ${table} ORDER BY order_id`);
    assert.deepEqual(rows, [{ order_id: 'a', amount: 10, body: { id: 'a', amount: 10 } }, { order_id: 'b', amount: 2, body: { id: 'b', amount: 2 } }]);
  });

  it('rolls back the whole batch when one row fails', async () => {
    const writer = await connector.openWriter({ operation: 'insert', table, columns: { order_id: '$.id', amount: '$.amount' } });
    await assert.rejects(writer.writeBatch([json({ id: 'x', amount: 1 }), json({ id: 'y', amount: 'not a number' })]), (error: { errorClass: string; message: string }) =>
      error.errorClass === 'validation' && error.message.startsWith('component OrderDB: the transaction failed: '));
    assert.equal((await client.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n, 0);
  });

  it('refuses a table name that is not an identifier, before any SQL runs', async () => {
    await assert.rejects(connector.openWriter({ table: 'orders; drop table x', columns: { a: '$' } }), /component OrderDB: `orders; drop table x` is not a valid table or column name/);
  });

  it('names the component and masks the password when PostgreSQL is unreachable', async () => {
    const down = new DatabaseConnector('Down', { url: 'postgres://app:s3cret@127.0.0.1:1/x' });
    await assert.rejects(down.preflight(), (error: Error) => /^component Down: PostgreSQL at postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/x is unreachable/.test(error.message) && !error.message.includes('s3cret'));
    await down.close();
  });
});
