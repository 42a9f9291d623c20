// Runs kept in PostgreSQL (`--runs-store postgres://…`): summaries and event logs in tables, holds as session advisory locks with a heartbeat row.
//
// STYLE keeps pg inside executor/connectors/, which are one file per component type of a flow. This
// is no component: it is where the executor keeps its own runs, next to the folder store, so it
// lives in executor/stores/ and imports pg itself.
import { hostname } from 'node:os';
import pg from 'pg';
import Cursor from 'pg-cursor';
import { JournalError } from '../../protocol/journal-files';
import { expandedOfTypes, storedTypesOf } from '../../protocol/journal-batches';
import { isRunId, STORED_RECORD_TYPES, type JournalRecord, type JournalRecordType, type NewJournalRecord, type RunSummary } from '../../protocol/journal-records';
import { maskUrlPasswords } from '../../flow/secret-mask';
import { Journal } from '../journal-writer';
import type { Redactor } from '../redaction';
import { DEFAULT_LOCK_TIMING } from '../run-mutex';
import { RunBusyError, type ClaimOptions, type LiveOwner, type OwnerRole } from '../run-ownership';
import { InvalidRunIdError } from '../run-paths';
import { MAIN_LOG, type RunClaim, type RunStore, type StoredRun } from '../run-store';
import { PostgresClaim, PostgresJournalLog, recordType, StoreSession, storeWriteError, type HeldRun } from './postgres-session';
import { storeTables, type StoreTables } from './postgres-tables';

/** The name of a hold in the database: `main`, or `worker:<id>` of a joined process. */
function roleName(role: OwnerRole): string {
  return role === 'main' ? 'main' : `worker:${role.worker}`;
}

export class PostgresRunStore implements RunStore {
  private constructor(
    readonly location: string,
    private readonly pool: pg.Pool,
    private readonly session: StoreSession,
    readonly tables: StoreTables,
  ) {}

  /**
   * Connects to the database of `url` and creates the store's tables if needed, in the schema named by its
   * `schema` parameter (default `flowtracer`). The password comes from the URL, PGPASSWORD or ~/.pgpass.
   */
  static async open(url: string): Promise<PostgresRunStore> {
    const parsed = new URL(url);
    const schema = parsed.searchParams.get('schema') ?? 'flowtracer';
    parsed.searchParams.delete('schema');
    const config: pg.ClientConfig = { connectionString: parsed.toString() };
    const pool = new pg.Pool({ ...config, max: 6 });
    // An idle client whose server went away: the next query says so.
    pool.on('error', () => undefined);
    const tables = storeTables(schema);
    try {
      await tables.create(pool);
    } catch (error) {
      await pool.end();
      throw new JournalError(`the run store ${maskUrlPasswords(url)} cannot be used: ${(error as Error).message}`);
    }
    return new PostgresRunStore(`${maskUrlPasswords(parsed.toString())} (schema ${schema})`, pool, new StoreSession(config), tables);
  }

  run(runId: string): PostgresRun {
    if (!isRunId(runId)) throw new InvalidRunIdError(runId);
    return new PostgresRun(this, runId, this.pool, this.session);
  }

  async listRuns(): Promise<RunSummary[]> {
    const { rows } = await this.pool.query<{ run_id: string; summary: string }>(`SELECT run_id, summary FROM ${this.tables.runs} ORDER BY run_id`);
    return rows.map((r) => ({ ...(JSON.parse(r.summary) as RunSummary), runId: r.run_id }));
  }

  /**
   * Copies a run (of a runs folder) into the store in one transaction, records as they are (their times
   * kept); false when the store has the run already.
   */
  async importRun(source: StoredRun): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const taken = await client.query(`INSERT INTO ${this.tables.logs} (run_id, log) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [source.runId, MAIN_LOG]);
      if (taken.rowCount === 0) {
        await client.query('ROLLBACK');
        return false;
      }
      for (const log of await source.logs()) {
        await client.query(`INSERT INTO ${this.tables.logs} (run_id, log) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [source.runId, log]);
        let batch: string[] = [];
        const flush = async (): Promise<void> => {
          if (batch.length > 0) await this.tables.insertRecords(client, source.runId, log, batch.map(recordType), batch);
          batch = [];
        };
        for await (const r of source.records(log, STORED_RECORD_TYPES)) {
          batch.push(JSON.stringify(r));
          if (batch.length >= 1000) await flush();
        }
        await flush();
      }
      await client.query(`INSERT INTO ${this.tables.runs} (run_id, summary) VALUES ($1, $2)`, [source.runId, JSON.stringify(await source.readSummary())]);
      await client.query('COMMIT');
      return true;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.session.close();
    await this.pool.end();
  }
}

interface OwnerRow {
  role: string;
  host: string;
  pid: number;
  worker: string | null;
  since: Date;
  stale_ms: number;
  age_ms: number;
}

class PostgresRun implements StoredRun, HeldRun {
  readonly location: string;
  /** The first key of the run's advisory locks (the second names the hold or the section). */
  readonly lockSpace: string;
  readonly tables: StoreTables;

  constructor(store: PostgresRunStore, readonly runId: string, private readonly pool: pg.Pool, private readonly session: StoreSession) {
    this.location = `${store.location} run ${runId}`;
    this.tables = store.tables;
    this.lockSpace = `${store.tables.schema}/${runId}`;
  }

  async create(): Promise<void> {
    await this.pool.query(`INSERT INTO ${this.tables.logs} (run_id, log) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [this.runId, MAIN_LOG]);
  }

  async exists(): Promise<boolean> {
    const { rowCount } = await this.pool.query(`SELECT 1 FROM ${this.tables.logs} WHERE run_id = $1 LIMIT 1`, [this.runId]);
    return (rowCount ?? 0) > 0;
  }

  async readSummary(): Promise<RunSummary> {
    const { rows } = await this.pool.query<{ summary: string }>(`SELECT summary FROM ${this.tables.runs} WHERE run_id = $1`, [this.runId]);
    if (rows.length === 0) throw new JournalError(`no run ${this.runId} in ${this.location.replace(/ run \S+$/, '')}`);
    return JSON.parse(rows[0]!.summary) as RunSummary;
  }

  async writeSummary(summary: RunSummary): Promise<void> {
    await this.upsertSummary(this.pool, summary);
  }

  private async upsertSummary(client: pg.Pool | pg.Client, summary: RunSummary): Promise<void> {
    try {
      await client.query(`INSERT INTO ${this.tables.runs} (run_id, summary) VALUES ($1, $2) ON CONFLICT (run_id) DO UPDATE SET summary = EXCLUDED.summary, updated_at = now()`, [this.runId, JSON.stringify(summary, null, 2)]);
    } catch (error) {
      throw storeWriteError(error, this.location);
    }
  }

  async logs(): Promise<string[]> {
    const { rows } = await this.pool.query<{ log: string }>(`SELECT log FROM ${this.tables.logs} WHERE run_id = $1 AND log <> $2 ORDER BY log`, [this.runId, MAIN_LOG]);
    return [MAIN_LOG, ...rows.map((r) => r.log)];
  }

  async *records<T extends JournalRecordType>(log: string, types: readonly T[]): AsyncGenerator<Extract<JournalRecord, { t: T }>> {
    const client = await this.pool.connect();
    const cursor = client.query(new Cursor<{ record: string }>(`SELECT record FROM ${this.tables.journal} WHERE run_id = $1 AND log = $2 AND t = ANY($3) ORDER BY seq`, [this.runId, log, storedTypesOf(types)]));
    const wanted = new Set<string>(types);
    try {
      for (;;) {
        const rows = await cursor.read(2000);
        if (rows.length === 0) return;
        for (const row of rows) yield* expandedOfTypes<T>(JSON.parse(row.record) as JournalRecord, wanted);
      }
    } finally {
      await cursor.close().catch(() => undefined);
      client.release();
    }
  }

  tornTail(): Promise<boolean> {
    // A transaction commits whole: there is no half record.
    return Promise.resolve(false);
  }

  async openJournal(log: string, redactor: Redactor): Promise<Journal> {
    try {
      const client = await this.session.get();
      await client.query(`INSERT INTO ${this.tables.logs} (run_id, log) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [this.runId, log]);
    } catch (error) {
      throw storeWriteError(error, this.location);
    }
    // The summary this process writes while it holds the run goes through its session too: none once it is gone.
    const writeSummary = async (summary: RunSummary): Promise<void> => this.upsertSummary(await this.session.get().catch((e: unknown) => { throw storeWriteError(e, this.location); }), summary);
    return new Journal(`${this.location} log ${log}`, new PostgresJournalLog(this, log, this.session), writeSummary, redactor);
  }

  async append(log: string, records: readonly NewJournalRecord[]): Promise<void> {
    const at = new Date().toISOString();
    const lines = records.map((r) => JSON.stringify({ ...r, at }));
    try {
      await this.pool.query(`INSERT INTO ${this.tables.logs} (run_id, log) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [this.runId, log]);
      await this.tables.insertRecords(this.pool, this.runId, log, lines.map(recordType), lines);
    } catch (error) {
      throw storeWriteError(error, this.location);
    }
  }

  /**
   * Takes the role's advisory lock on this process's session and writes its heartbeat row, while no
   * other process changes who holds the run. PostgreSQL releases the lock when the session ends (the
   * process died, its machine went away, or the session was terminated): no pid is ever asked.
   */
  async claim(role: OwnerRole, options: ClaimOptions): Promise<RunClaim> {
    const timing = options.timing ?? DEFAULT_LOCK_TIMING;
    const name = roleName(role);
    return this.whileOwnersSettled(options.signal, async () => {
      const owners = await this.liveOwners();
      const blocking = owners.find((o) => role === 'main' || (o.role !== 'main' && o.role.worker === role.worker));
      if (blocking) throw new RunBusyError(this.runId, blocking);
      await options.admit?.(owners);
      const client = await this.session.get();
      const { rows } = await client.query<{ taken: boolean }>('SELECT pg_try_advisory_lock(hashtext($1), hashtext($2)) AS taken', [this.lockSpace, name]);
      if (!rows[0]!.taken) throw new RunBusyError(this.runId, (await this.liveOwner(role)) ?? { role, owner: undefined, heartbeatAgeMs: 0 });
      await client.query(
        `INSERT INTO ${this.tables.owners} (run_id, role, host, pid, worker, since, heartbeat_at, stale_ms, backend_pid) VALUES ($1, $2, $3, $4, $5, clock_timestamp(), clock_timestamp(), $6, pg_backend_pid())
         ON CONFLICT (run_id, role) DO UPDATE SET host = EXCLUDED.host, pid = EXCLUDED.pid, worker = EXCLUDED.worker, since = EXCLUDED.since, heartbeat_at = EXCLUDED.heartbeat_at, stale_ms = EXCLUDED.stale_ms, backend_pid = EXCLUDED.backend_pid`,
        [this.runId, name, hostname(), process.pid, role === 'main' ? null : role.worker, timing.staleMs],
      );
      return new PostgresClaim(this, name, this.session, timing.heartbeatMs);
    });
  }

  /** The holds whose advisory lock some session holds now (pg_locks), named by their heartbeat rows. */
  async liveOwners(): Promise<LiveOwner[]> {
    const { rows } = await this.pool.query<OwnerRow>(
      `SELECT o.role, o.host, o.pid, o.worker, o.since, o.stale_ms, (extract(epoch FROM clock_timestamp() - o.heartbeat_at) * 1000)::float8 AS age_ms
       FROM ${this.tables.owners} o
       WHERE o.run_id = $1 AND EXISTS (
         SELECT 1 FROM pg_locks l
         WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
           AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
           AND l.classid = (hashtext($2)::bigint & 4294967295)::oid AND l.objid = (hashtext(o.role)::bigint & 4294967295)::oid)
       ORDER BY o.role <> 'main', o.role`,
      [this.runId, this.lockSpace],
    );
    return rows.map((r) => {
      const role: OwnerRole = r.role === 'main' ? 'main' : { worker: r.role.slice('worker:'.length) };
      const owner = { host: r.host, pid: r.pid, ...(r.worker ? { worker: r.worker } : {}), since: r.since.toISOString(), staleMs: r.stale_ms, lock: { ino: 0 } };
      return { role, owner, heartbeatAgeMs: Math.max(0, r.age_ms) };
    });
  }

  async liveOwner(role: OwnerRole): Promise<LiveOwner | undefined> {
    const name = roleName(role);
    return (await this.liveOwners()).find((o) => roleName(o.role) === name);
  }

  /** Not abortable: the wait is for another process's section, which is short (a lock wait can only end with its query). */
  whileOwnersSettled<T>(_signal: AbortSignal, use: () => Promise<T>): Promise<T> {
    return this.section('owners', use);
  }

  withRunLock<T>(use: () => Promise<T>): Promise<T> {
    return this.section('summary', use);
  }

  /** Runs `use` holding a transaction-scoped advisory lock of the run: waited for, released with the transaction (or the session, if this process dies). */
  private async section<T>(name: string, use: () => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [this.lockSpace, `section:${name}`]);
      try {
        return await use();
      } finally {
        await client.query('COMMIT').catch(() => undefined);
      }
    } finally {
      client.release();
    }
  }
}
