// A process's own session with the run store: it holds the advisory locks of the runs this process holds, beats their heartbeat rows, writes their journals.
// (pg outside executor/connectors/: see postgres-run-store.ts.)
import { hostname } from 'node:os';
import pg from 'pg';
import { JournalWriteError, type JournalLog } from '../journal-writer';
import { DEFAULT_LOCK_TIMING } from '../run-mutex';
import { OwnershipLostError } from '../run-ownership';
import type { RunClaim } from '../run-store';
import type { StoreTables } from './postgres-tables';

/** A write to the store failed: what was in it is not durable (the error's code is PostgreSQL's, or the socket's). */
export function storeWriteError(error: unknown, location: string): JournalWriteError {
  if (error instanceof JournalWriteError) return error;
  const code = (error as { code?: string }).code ?? 'ECONNRESET';
  return new JournalWriteError(code, location);
}

/** A record's type, from the start of its JSON (the Journal writes `t` first): no parse per record on the hot path. */
export function recordType(line: string): string {
  return /^\{"t":"([^"]+)"/.exec(line)?.[1] ?? (JSON.parse(line) as { t: string }).t;
}

/**
 * This process's database session: it holds the advisory locks of the runs this process holds, beats
 * their heartbeat rows, and writes their journals, so that nothing is written once the session is gone
 * (PostgreSQL released the locks with it, and another process may hold the run now).
 */
export class StoreSession {
  private client: pg.Client | undefined;
  private connecting: Promise<pg.Client> | undefined;
  private readonly lost = new Set<(cause: string) => void>();
  private ended: string | undefined;

  constructor(private readonly config: pg.ClientConfig) {}

  get(): Promise<pg.Client> {
    if (this.ended) return Promise.reject(Object.assign(new Error(this.ended), { code: 'ECONNRESET' }));
    this.connecting ??= (async () => {
      // A query that hangs as long as a hold may stay silent (a network that drops packets) fails: the run stops.
      const client = new pg.Client({ ...this.config, keepAlive: true, query_timeout: DEFAULT_LOCK_TIMING.staleMs, connectionTimeoutMillis: 10_000, application_name: `flowtracer ${hostname()}-${process.pid}` });
      client.on('error', (error) => this.end(`its database session ended: ${error.message}`));
      client.on('end', () => this.end('its database session ended'));
      await client.connect();
      this.client = client;
      return client;
    })();
    return this.connecting;
  }

  /** Calls `react` once the session ends (the locks it held are released); returns the unsubscribe. */
  onEnd(react: (cause: string) => void): () => void {
    this.lost.add(react);
    return () => this.lost.delete(react);
  }

  /** The session is gone (an error without SQLSTATE, or one of class 08 or 57 said so): its locks are released. */
  endedBy(error: unknown): boolean {
    const code = (error as { code?: string }).code;
    if (code === undefined || code.startsWith('08') || code.startsWith('57') || code.startsWith('E')) this.end(`its database session ended: ${(error as Error).message}`);
    return this.ended !== undefined;
  }

  private end(cause: string): void {
    if (this.ended) return;
    this.ended = cause;
    for (const react of this.lost) react(cause);
  }

  async close(): Promise<void> {
    this.ended ??= 'closed';
    await this.client?.end().catch(() => undefined);
  }
}

/** What a claim and a journal need of their run. */
export interface HeldRun {
  readonly runId: string;
  readonly location: string;
  /** The first key of the run's advisory locks (the second names the hold or the section). */
  readonly lockSpace: string;
  readonly tables: StoreTables;
}

/** One claim of a role: its advisory lock on the session, its heartbeat row beaten every `heartbeatMs`. */
export class PostgresClaim implements RunClaim {
  private readonly lost = new AbortController();
  private released = false;
  private readonly beat: NodeJS.Timeout;
  private readonly unsubscribe: () => void;

  constructor(private readonly run: HeldRun, private readonly role: string, private readonly session: StoreSession, heartbeatMs: number) {
    this.unsubscribe = session.onEnd((cause) => this.lose(cause));
    this.beat = setInterval(() => void this.heartbeat(), heartbeatMs);
    this.beat.unref();
  }

  get signal(): AbortSignal {
    return this.lost.signal;
  }

  onLost(react: (error: OwnershipLostError) => void): void {
    if (this.lost.signal.aborted) react(this.lost.signal.reason as OwnershipLostError);
    else this.lost.signal.addEventListener('abort', () => react(this.lost.signal.reason as OwnershipLostError), { once: true });
  }

  private async heartbeat(): Promise<void> {
    try {
      const client = await this.session.get();
      const { rowCount } = await client.query(`UPDATE ${this.run.tables.owners} SET heartbeat_at = clock_timestamp() WHERE run_id = $1 AND role = $2 AND backend_pid = pg_backend_pid()`, [this.run.runId, this.role]);
      if (rowCount === 0) this.lose('its heartbeat row was removed');
    } catch (error) {
      this.lose(`its heartbeat failed: ${(error as Error).message}`);
    }
  }

  lose(cause: string): void {
    if (this.released || this.lost.signal.aborted) return;
    clearInterval(this.beat);
    this.lost.abort(new OwnershipLostError(this.run.runId, cause));
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    clearInterval(this.beat);
    this.unsubscribe();
    if (this.lost.signal.aborted) return;
    const client = await this.session.get().catch(() => undefined);
    if (!client) return;
    await client.query(`DELETE FROM ${this.run.tables.owners} WHERE run_id = $1 AND role = $2 AND backend_pid = pg_backend_pid()`, [this.run.runId, this.role]).catch(() => undefined);
    await client.query('SELECT pg_advisory_unlock(hashtext($1), hashtext($2))', [this.run.lockSpace, this.role]).catch(() => undefined);
  }
}

/** A journal's batches as one INSERT each (one transaction), on the session that holds the run. */
export class PostgresJournalLog implements JournalLog {
  constructor(private readonly run: HeldRun, private readonly log: string, private readonly session: StoreSession) {}

  async appendBatch(lines: readonly string[]): Promise<void> {
    try {
      const client = await this.session.get();
      await this.run.tables.insertRecords(client, this.run.runId, this.log, lines.map(recordType), lines);
    } catch (error) {
      // A session that ended lost the run's holds with it: the loss, not the write, is what stops the run.
      this.session.endedBy(error);
      throw storeWriteError(error, this.run.location);
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

