// Database writes with group commit: concurrent writes share one transaction; a failed batch is isolated row by row.
import type pg from 'pg';
import { ConnectorError, type Delivery, type FlowMessage, type TargetWriter } from './connector';
import { abortedError, connectorError } from './connector-errors';
import { onAbort } from '../abort-watch';
import { parsePayload, selectValue } from './json-path-value';
import { postgresErrorClass } from './postgres-error-class';

/** The most writes one transaction takes; the rest wait for the next one. */
const MAX_BATCH = 500;

/** What a statement does with the rows it matched: an update must match one; a delete of nothing is done already. */
export type MatchRule = 'any' | 'update' | 'delete';

export interface WriteStatement {
  readonly text: string;
  /** JSONPath of each `$n` parameter, in order. */
  readonly paths: readonly string[];
  readonly rule: MatchRule;
  /** For messages about unmatched rows: the table as written and the key columns with their parameter index. */
  readonly table: string;
  readonly key: readonly { readonly column: string; readonly index: number }[];
}

interface Pending {
  readonly values: unknown[];
  readonly resolve: (delivery: Delivery) => void;
  readonly reject: (error: unknown) => void;
  /** Stops listening for the run's abort (the write is taken into a transaction). */
  forget: () => void;
}

type Outcome = { readonly ok: Delivery } | { readonly error: ConnectorError };

export class DatabaseWriter implements TargetWriter {
  private queue: Pending[] = [];
  private flushing: Promise<void> | undefined;
  /** Transactions committed so far (a batch of many writes counts once). */
  committedTransactions = 0;

  constructor(
    private readonly component: string,
    private readonly pool: pg.Pool,
    private readonly statement: WriteStatement,
  ) {}

  /** Queues the message for the next transaction; resolves once that transaction committed. */
  write(message: FlowMessage, signal: AbortSignal = new AbortController().signal): Promise<Delivery> {
    let values: unknown[];
    try {
      values = this.values(message);
    } catch (error) {
      return Promise.reject(error);
    }
    if (signal.aborted) return Promise.reject(abortedError(this.component));
    return new Promise<Delivery>((resolve, reject) => {
      // A write still waiting for its transaction leaves the queue when the run stops; one being written is awaited.
      const pending: Pending = { values, resolve, reject, forget: () => undefined };
      pending.forget = onAbort(signal, () => {
        const index = this.queue.indexOf(pending);
        if (index < 0) return;
        this.queue.splice(index, 1);
        reject(abortedError(this.component));
      });
      this.queue.push(pending);
      this.flushing ??= this.flushAll();
    });
  }

  /**
   * The row a write touches, by its key columns' values: the runner hands one write per row to the
   * writer at a time, so a batch that fails and is retried never overtakes a later write of its row.
   * An insert without `key` orders by nothing.
   */
  orderKey(message: FlowMessage): string | null {
    if (this.statement.key.length === 0) return null;
    let values: unknown[];
    try {
      values = this.values(message);
    } catch {
      return null; // its write fails with the reason
    }
    return JSON.stringify(this.statement.key.map((k) => values[k.index] ?? null));
  }

  /** Writes the messages as one batch (their transactions as `write` would group them). */
  writeBatch(messages: readonly FlowMessage[]): Promise<Delivery[]> {
    return Promise.all(messages.map((m) => this.write(m)));
  }

  async close(): Promise<void> {
    await this.flushing;
  }

  private values(message: FlowMessage): unknown[] {
    const document = parsePayload(this.component, message.value);
    return this.statement.paths.map((path) => {
      const value = selectValue(document, path);
      return value !== null && typeof value === 'object' ? JSON.stringify(value) : (value ?? null);
    });
  }

  /** One flusher at a time: it takes whatever queued up while the previous transaction ran, in arrival order. */
  private async flushAll(): Promise<void> {
    // Writes issued in the same turn of the event loop join the first transaction.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        for (const p of batch) p.forget();
        const outcomes = await this.flush(batch);
        batch.forEach((p, i) => {
          const outcome = outcomes[i]!;
          if ('ok' in outcome) p.resolve(outcome.ok);
          else p.reject(outcome.error);
        });
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async flush(batch: readonly Pending[]): Promise<Outcome[]> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      const failure = connectorError(this.component, 'PostgreSQL is unreachable', error);
      return batch.map(() => ({ error: failure }));
    }
    let broken: Error | undefined;
    // A session that dies while checked out also emits 'error' after failing its query: the query's rejection is what counts.
    const onError = (error: Error) => (broken ??= error);
    client.on('error', onError);
    try {
      const together = await this.transaction(client, batch);
      if (!('error' in together)) return together.outcomes;
      if (together.error.errorClass !== 'validation') {
        if (together.error.errorClass === 'connection') broken = together.error;
        return batch.map(() => ({ error: together.error }));
      }
      // A row the database refused: each message alone, so only the bad one(s) fail and the others are delivered.
      const outcomes: Outcome[] = [];
      for (const pending of batch) {
        const alone = await this.transaction(client, [pending]);
        if ('error' in alone && alone.error.errorClass === 'connection') broken = alone.error;
        outcomes.push('error' in alone ? { error: alone.error } : alone.outcomes[0]!);
      }
      return outcomes;
    } finally {
      // A client whose connection failed is destroyed, not returned to the pool.
      client.off('error', onError);
      client.release(broken);
    }
  }

  /** BEGIN, each statement in order, COMMIT; an update matching no row fails alone without spoiling the others. */
  private async transaction(client: pg.PoolClient, batch: readonly Pending[]): Promise<{ outcomes: Outcome[] } | { error: ConnectorError }> {
    const single = batch.length === 1;
    try {
      // One statement is a transaction by itself: no BEGIN/COMMIT round trips.
      if (!single) await client.query('BEGIN');
      const outcomes: Outcome[] = [];
      for (const [i, pending] of batch.entries()) {
        const count = (await client.query(this.statement.text, pending.values)).rowCount ?? 0;
        outcomes.push(this.outcome(pending, count, single ? 'row' : `tx row ${i + 1}`));
      }
      if (!single) await client.query('COMMIT');
      this.committedTransactions++;
      return { outcomes };
    } catch (error) {
      if (!single) await client.query('ROLLBACK').catch(() => undefined);
      return { error: connectorError(this.component, 'the transaction failed', error, postgresErrorClass(error)) };
    }
  }

  private outcome(pending: Pending, count: number, where: string): Outcome {
    if (count === 0 && this.statement.rule === 'update') {
      const key = this.statement.key.map((k) => `${k.column} = ${JSON.stringify(pending.values[k.index])}`).join(' and ');
      return { error: new ConnectorError(`component ${this.component}: no row in ${this.statement.table} with ${key} to update`, 'validation') };
    }
    return { ok: { position: `${where} (${count} affected)` } };
  }
}
