// The run store's tables in PostgreSQL: summaries, event logs, records (one row each, in write order), holds' heartbeat rows.
import type pg from 'pg';

export interface StoreTables {
  readonly schema: string;
  readonly runs: string;
  readonly logs: string;
  readonly journal: string;
  readonly owners: string;
  /** Creates what is missing; stores opening together create it once. */
  create(pool: pg.Pool): Promise<void>;
  /** One INSERT of a batch of records of one log: one transaction, all of it or none. */
  insertRecords(client: pg.Pool | pg.PoolClient | pg.Client, runId: string, log: string, types: readonly string[], lines: readonly string[]): Promise<void>;
}

/** A schema name FlowTracer puts in SQL text itself: letters, digits and underscores only. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function storeTables(schema: string): StoreTables {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`the run store's schema must be lower-case letters, digits and underscores, not '${schema}'`);
  const q = (table: string): string => `"${schema}".${table}`;
  const runs = q('runs');
  const logs = q('logs');
  const journal = q('journal');
  const owners = q('owners');
  return {
    schema, runs, logs, journal, owners,
    async create(pool) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        // CREATE … IF NOT EXISTS races with itself: the stores of processes starting together take turns.
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1), 0)', [`flowtracer-store/${schema}`]);
        await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
        await client.query(`CREATE TABLE IF NOT EXISTS ${runs} (run_id text PRIMARY KEY, summary text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())`);
        await client.query(`CREATE TABLE IF NOT EXISTS ${logs} (run_id text NOT NULL, log text NOT NULL, PRIMARY KEY (run_id, log))`);
        await client.query(`CREATE TABLE IF NOT EXISTS ${journal} (seq bigserial PRIMARY KEY, run_id text NOT NULL, log text NOT NULL, t text NOT NULL, record text NOT NULL)`);
        await client.query(`CREATE INDEX IF NOT EXISTS journal_by_log ON ${journal} (run_id, log, seq)`);
        await client.query(`CREATE TABLE IF NOT EXISTS ${owners} (run_id text NOT NULL, role text NOT NULL, host text NOT NULL, pid integer NOT NULL, worker text, since timestamptz NOT NULL, heartbeat_at timestamptz NOT NULL, stale_ms integer NOT NULL, backend_pid integer NOT NULL, PRIMARY KEY (run_id, role))`);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async insertRecords(client, runId, log, types, lines) {
      if (lines.length === 0) return;
      await client.query(`INSERT INTO ${journal} (run_id, log, t, record) SELECT $1, $2, x.t, x.r FROM unnest($3::text[], $4::text[]) AS x(t, r)`, [runId, log, types, lines]);
    },
  };
}
