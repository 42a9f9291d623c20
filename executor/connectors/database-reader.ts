// A `query` as a source: rows read through a server-side cursor one page at a time, each page only when the run asks for more.
import type pg from 'pg';
import Cursor from 'pg-cursor';
import type { SourceMessage, SourceReader } from './connector';
import { connectorError } from './connector-errors';
import { postgresErrorClass } from './postgres-error-class';

/** Rows fetched per round trip; the reader never holds more than one page. */
export const PAGE_ROWS = 500;

export interface QuerySelect {
  readonly query: string;
  readonly params: readonly unknown[];
  readonly limit: number | undefined;
  /** The column whose value keys each message. */
  readonly keyColumn: string | undefined;
}

export interface PageOptions {
  readonly pageRows?: number;
  /** Called with the size of each page fetched (for tests and metrics). */
  readonly onPage?: (rows: number) => void;
}

type Row = Record<string, unknown>;

/** Opens the cursor and fetches the first page, so that a bad query fails here, before anything moves. */
export async function openQueryReader(component: string, pool: pg.Pool, select: QuerySelect, options: PageOptions = {}): Promise<SourceReader> {
  const pageRows = options.pageRows ?? PAGE_ROWS;
  const client = await pool.connect().catch((error: unknown) => { throw connectorError(component, 'PostgreSQL is unreachable', error); });
  // A session that dies while the reader holds it fails the next read; its late 'error' event must not crash the run.
  let lost: Error | undefined;
  const onError = (error: Error) => (lost ??= error);
  client.on('error', onError);
  const cursor = client.query(new Cursor<Row>(select.query, [...select.params]));
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
    const rows = await cursor.read(size);
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
    throw connectorError(component, 'the query failed', error, 'validation');
  }
  return {
    async *messages(signal: AbortSignal): AsyncIterable<SourceMessage> {
      let page = first;
      first = [];
      let index = 0;
      try {
        while (page.length > 0) {
          for (const row of page) {
            if (signal.aborted) return;
            index++;
            const value = select.keyColumn === undefined ? undefined : row[select.keyColumn];
            yield { key: value == null ? null : String(value), value: Buffer.from(JSON.stringify(row)), headers: {}, position: `row ${index}` };
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
