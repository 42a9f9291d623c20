// A `query` as a source: rows read through a server-side cursor one page at a time, each page only when the run asks for more.
import pg from 'pg';
import Cursor from 'pg-cursor';
import { statementBody } from '../../flow/sql-text';
import { ConnectorError, type SourceMessage, type SourceReader } from './connector';
import { connectorError } from './connector-errors';
import { keyPosition, type KeyPosition } from './key-position';
import { postgresErrorClass } from './postgres-error-class';

/** Rows fetched per round trip; the reader never holds more than one page. */
const PAGE_ROWS = 500;

export interface QuerySelect {
  readonly query: string;
  readonly params: readonly unknown[];
  readonly limit: number | undefined;
  /** The column whose value keys each message, and whose order the rows are read in (a resume continues after the last one). */
  readonly keyColumn: string | undefined;
  /** A resume: the last row committed before (`limit` already counts the rows committed then). */
  readonly after?: KeyPosition;
}

export interface PageOptions {
  readonly pageRows?: number;
  /** Called with the size of each page fetched (for tests and metrics). */
  readonly onPage?: (rows: number) => void;
}

type Row = Record<string, unknown>;

/** The column the keyed query adds: PostgreSQL's own text of the key, exact for every type (a JS Date drops microseconds). */
const KEY_TEXT = '__flowtracer_key';

/**
 * The statements a reader runs one after the other. Without `keyColumn`, the query as written.
 * With it, the query as a subquery read in key order (nulls last), plus the key's text; a resume
 * reads only from the last committed key on (keyset pagination: the rows before it are never
 * read, however many were deleted or added), then the rows without a key. `>=`, not `>`: rows
 * sharing the last key are told apart by their occurrence, and the reader skips those committed.
 * The key's `$n` comes after the user's parameters; PostgreSQL types it as the column, so the
 * comparison is numeric for a number, by collation for text. The rows without a key are a second
 * statement: `>= $n OR IS NULL` would make PostgreSQL sort the whole rest instead of reading the
 * key's index from the last key on.
 */
function keyedStatements(select: QuerySelect): { text: string; params: unknown[] }[] {
  if (select.keyColumn === undefined) return [{ text: select.query, params: [...select.params] }];
  const key = `q.${pg.escapeIdentifier(select.keyColumn)}`;
  // The query on lines of its own: a trailing `-- comment` in it must not swallow the closing parenthesis.
  const read = (where: string): string => `SELECT q.*, (${key})::text AS "${KEY_TEXT}" FROM (\n${statementBody(select.query)}\n) AS q${where} ORDER BY ${key} ASC NULLS LAST`;
  const withoutKey = { text: read(` WHERE ${key} IS NULL`), params: [...select.params] };
  if (!select.after) return [{ text: read(''), params: [...select.params] }];
  if (select.after.key === null) return [withoutKey];
  return [{ text: read(` WHERE ${key} >= $${select.params.length + 1}`), params: [...select.params, select.after.key] }, withoutKey];
}

/** Opens the cursor and fetches the first page, so that a bad query fails here, before anything moves. */
export async function openQueryReader(component: string, pool: pg.Pool, select: QuerySelect, options: PageOptions = {}): Promise<SourceReader> {
  const pageRows = options.pageRows ?? PAGE_ROWS;
  const client = await pool.connect().catch((error: unknown) => { throw connectorError(component, 'PostgreSQL is unreachable', error); });
  // A session that dies while the reader holds it fails the next read; its late 'error' event must not crash the run.
  let lost: Error | undefined;
  const onError = (error: Error) => (lost ??= error);
  client.on('error', onError);
  const statements = keyedStatements(select);
  let cursor = client.query(new Cursor<Row>(statements[0]!.text, statements[0]!.params));
  let next = 1;
  let released = false;
  const release = async (error?: Error): Promise<void> => {
    if (released) return;
    released = true;
    if (!lost) await cursor.close().catch(() => undefined);
    client.off('error', onError);
    client.release(error ?? lost);
  };
  let remaining = select.limit ?? Number.POSITIVE_INFINITY;
  const fetchPage = async (): Promise<Row[]> => {
    const size = Math.min(pageRows, remaining);
    if (size <= 0) return [];
    let rows = await cursor.read(size);
    // A statement that ran out hands over to the next one (a resume's rows without a key), within the same page.
    while (rows.length < size && next < statements.length) {
      await cursor.close();
      const statement = statements[next++]!;
      cursor = client.query(new Cursor<Row>(statement.text, statement.params));
      rows = rows.concat(await cursor.read(size - rows.length));
    }
    remaining -= rows.length;
    options.onPage?.(rows.length);
    // A short page is the last one; `remaining` stops a full last page from asking again.
    if (rows.length < size) remaining = 0;
    return rows;
  };
  let first: Row[];
  try {
    first = await fetchPage();
  } catch (error) {
    await release(error as Error);
    if (select.keyColumn !== undefined && (error as Error).message === `column q.${select.keyColumn} does not exist`) {
      throw new ConnectorError(`component ${component}: the query's rows have no column \`${select.keyColumn}\` (the connection's \`keyColumn\`)`, 'validation', { cause: error });
    }
    throw connectorError(component, 'the query failed', error, 'validation');
  }
  return {
    async *messages(signal: AbortSignal): AsyncIterable<SourceMessage> {
      let page = first;
      first = [];
      let index = 0;
      const positions = select.keyColumn === undefined ? undefined : new KeyOccurrences(select.after);
      try {
        while (page.length > 0) {
          for (const row of page) {
            if (signal.aborted) return;
            index++;
            let position = `row ${index}`;
            if (positions) {
              const text = row[KEY_TEXT] as string | null;
              delete row[KEY_TEXT];
              const next = positions.next(text);
              if (next === undefined) {
                // Committed before the resume: it counts neither here nor against `limit`.
                remaining++;
                continue;
              }
              position = next;
            }
            const value = select.keyColumn === undefined ? undefined : row[select.keyColumn];
            yield { key: value == null ? null : String(value), value: Buffer.from(JSON.stringify(row)), headers: {}, position };
          }
          try {
            page = await fetchPage();
          } catch (error) {
            await release(error as Error);
            throw connectorError(component, `the query failed after ${index} rows`, error, postgresErrorClass(error));
          }
        }
      } finally {
        await release();
      }
    },
    commit: async () => undefined,
    release: async () => undefined,
    close: () => release(),
  };
}

/** Numbers the rows of one key in read order (they come together, the query being in key order); skips those a resume had committed. */
class KeyOccurrences {
  private last: string | null | undefined;
  private occurrence = 0;
  private skipping: boolean;

  constructor(private readonly after: KeyPosition | undefined) {
    this.skipping = after !== undefined;
  }

  /** The row's position, or undefined for a row of the last committed key that was committed already. */
  next(key: string | null): string | undefined {
    this.occurrence = key === this.last ? this.occurrence + 1 : 1;
    this.last = key;
    if (this.skipping) {
      if (key === this.after!.key && this.occurrence <= this.after!.occurrence) return undefined;
      this.skipping = false;
    }
    return keyPosition(key, this.occurrence);
  }
}
