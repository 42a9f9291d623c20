// Creates the tables the examples write to and read from (postgres-tables.sql), for the "create the tables" task.
// Usage: node examples/feeders/create-tables.mjs   (PG_URL defaults to postgres://postgres@127.0.0.1:5432/test)
import { readFileSync } from 'node:fs';
import pg from 'pg';

const url = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const client = new pg.Client({ connectionString: url });
await client.connect();
try {
  await client.query(readFileSync(new URL('./postgres-tables.sql', import.meta.url), 'utf8'));
  // The order flow's table when EXAMPLE_PROCESSED_TABLE moves it (the editor test gives each run its own).
  const moved = process.env.EXAMPLE_PROCESSED_TABLE;
  if (moved) await client.query(`CREATE TABLE IF NOT EXISTS ${client.escapeIdentifier(moved)} (LIKE processed_orders INCLUDING ALL)`);
  const { rows } = await client.query("SELECT count(*)::int AS n FROM customers");
  console.log(`tables ready in ${url.replace(/\/\/[^@/]*@/, '//')}: processed_orders, intake_orders, customers (${rows[0].n} customers)`);
} finally {
  await client.end();
}
