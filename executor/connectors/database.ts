// The `database` component (PostgreSQL, pg): parameterized insert/upsert/update/delete, grouped into transactions, and `query` as a source.
import pg from 'pg';
import { ConnectorError, type ConnectionSettings, type Connector, type SourceReader, type SpanShape } from './connector';
import { connectorError } from './connector-errors';
import { openQueryReader, type PageOptions } from './database-reader';
import { DatabaseWriter, type MatchRule } from './database-writer';
import { parseKeyPosition, type ResumeFrom } from './key-position';
import { maskUrlPasswords } from '../../flow/secret-mask';
import { serverAttributes } from './span-attributes';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
type Operation = 'insert' | 'upsert' | 'update' | 'delete';

/** `name` or `schema.name`, validated and double-quoted; anything else is a validation error. */
function quoteIdentifier(component: string, name: string): string {
  const parts = name.split('.');
  if (parts.length > 2 || !parts.every((part) => IDENTIFIER.test(part))) {
    throw new ConnectorError(`component ${component}: \`${name}\` is not a valid table or column name`, 'validation');
  }
  return parts.map((part) => `"${part}"`).join('.');
}

/** The statement for one operation; values are only ever `$n` parameters. */
function buildStatement(component: string, operation: Operation, table: string, columns: readonly string[], key: readonly string[]): string {
  const t = quoteIdentifier(component, table);
  const cols = columns.map((c) => quoteIdentifier(component, c));
  const param = (name: string) => `$${columns.indexOf(name) + 1}`;
  for (const k of key) if (!columns.includes(k)) throw new ConnectorError(`component ${component}: key column ${k} is not among the columns`, 'validation');
  if (operation !== 'insert' && key.length === 0) throw new ConnectorError(`component ${component}: ${operation} needs \`key\``, 'validation');
  const where = key.map((k) => `${quoteIdentifier(component, k)} = ${param(k)}`).join(' AND ');
  const values = cols.map((_, i) => `$${i + 1}`).join(', ');
  switch (operation) {
    case 'insert': return `INSERT INTO ${t} (${cols.join(', ')}) VALUES (${values})`;
    case 'upsert': {
      const rest = columns.filter((c) => !key.includes(c)).map((c) => `${quoteIdentifier(component, c)} = EXCLUDED.${quoteIdentifier(component, c)}`);
      const conflict = `ON CONFLICT (${key.map((k) => quoteIdentifier(component, k)).join(', ')})`;
      return `INSERT INTO ${t} (${cols.join(', ')}) VALUES (${values}) ${conflict} ${rest.length > 0 ? `DO UPDATE SET ${rest.join(', ')}` : 'DO NOTHING'}`;
    }
    case 'update': {
      const sets = columns.filter((c) => !key.includes(c)).map((c) => `${quoteIdentifier(component, c)} = ${param(c)}`);
      return `UPDATE ${t} SET ${sets.join(', ')} WHERE ${where}`;
    }
    case 'delete': return `DELETE FROM ${t} WHERE ${where}`;
  }
}

export class DatabaseConnector implements Connector {
  readonly type = 'database' as const;
  private readonly pool: pg.Pool;
  private readonly url: string;

  constructor(readonly name: string, private readonly props: Readonly<Record<string, unknown>>, private readonly pages: PageOptions = {}) {
    if (typeof props.url !== 'string') throw new ConnectorError(`component ${name}: a database component needs \`url\``, 'validation');
    this.url = props.url;
    // The component's `schema`: a query source resolves its tables there first (then public, for extensions' functions).
    if (props.schema !== undefined && (typeof props.schema !== 'string' || !IDENTIFIER.test(props.schema))) {
      throw new ConnectorError(`component ${name}: \`${String(props.schema)}\` is not a valid schema name`, 'validation');
    }
    const schema = typeof props.schema === 'string' ? `"${props.schema}"` : undefined;
    // Named in pg_stat_activity like the MQ connections, so an operator can tell whose sessions these are.
    this.pool = new pg.Pool({
      connectionString: props.url, max: 4, connectionTimeoutMillis: 5000, application_name: `flowtracer ${name} (pid ${process.pid})`,
      ...(schema ? { options: `-c search_path=${schema},public` } : {}),
    });
    this.pool.on('error', () => undefined); // an idle client's error surfaces on the next query
  }

  async preflight(): Promise<void> {
    try {
      await this.pool.query('SELECT 1');
    } catch (error) {
      throw connectorError(this.name, `PostgreSQL at ${maskUrlPasswords(this.url)} is unreachable`, error);
    }
  }

  async openReader(settings: ConnectionSettings): Promise<SourceReader> {
    const select = (settings.select ?? {}) as { query?: unknown; params?: unknown; limit?: unknown };
    if (typeof select.query !== 'string') throw new ConnectorError(`component ${this.name}: a database source needs \`select.query\``, 'validation');
    const keyColumn = typeof settings.keyColumn === 'string' ? settings.keyColumn : undefined;
    // A resume continues after the last key committed; the engine refused it already where there is none.
    const resume = settings.resumeFrom as ResumeFrom | undefined;
    const after = resume && parseKeyPosition(resume.position);
    if (resume && (!after || keyColumn === undefined)) throw new ConnectorError(`component ${this.name}: cannot continue after \`${resume.position}\`: not the position of a \`keyColumn\``, 'validation');
    const limit = typeof select.limit === 'number' ? Math.max(0, select.limit - (resume?.committed ?? 0)) : undefined;
    return openQueryReader(this.name, this.pool, {
      query: select.query,
      params: Array.isArray(select.params) ? select.params : [],
      limit,
      keyColumn,
      ...(after ? { after } : {}),
    }, this.pages);
  }

  async openWriter(settings: ConnectionSettings): Promise<DatabaseWriter> {
    const operation = (settings.operation ?? 'insert') as Operation;
    const named = (settings.table ?? this.props.table) as string | undefined;
    if (!named) throw new ConnectorError(`component ${this.name}: writing needs a \`table\``, 'validation');
    // A table without its own schema lives in the component's `schema` (PostgreSQL's search_path when none is given).
    const table = typeof this.props.schema === 'string' && !named.includes('.') ? `${this.props.schema}.${named}` : named;
    const columns = (settings.columns ?? { body: '$' }) as Record<string, string>;
    const key = settings.key === undefined ? [] : Array.isArray(settings.key) ? (settings.key as string[]) : [settings.key as string];
    const names = Object.keys(columns);
    const rule: MatchRule = operation === 'update' || operation === 'delete' ? operation : 'any';
    return new DatabaseWriter(this.name, this.pool, {
      text: buildStatement(this.name, operation, table, names, key),
      paths: names.map((n) => columns[n]!),
      rule,
      table: named,
      key: key.map((column) => ({ column, index: names.indexOf(column) })),
    });
  }

  /** Database conventions: a client span `{operation} {table}` for a write; a query source's rows are processed under `process {component}`. */
  spanShape(role: 'source' | 'target', settings: ConnectionSettings): SpanShape {
    let namespace: string | undefined;
    try {
      namespace = decodeURIComponent(new URL(this.url).pathname.slice(1)) || undefined;
    } catch {
      namespace = undefined;
    }
    const attributes = { 'db.system.name': 'postgresql', 'db.namespace': namespace, ...serverAttributes(this.url, 5432) };
    if (role === 'source') return { name: `process ${this.name}`, kind: 'consumer', attributes: { ...attributes, 'db.operation.name': 'SELECT', 'messaging.operation.type': 'process' } };
    const operation = String(settings.operation ?? 'insert');
    const verb = operation === 'update' ? 'UPDATE' : operation === 'delete' ? 'DELETE' : 'INSERT';
    const table = String(settings.table ?? this.props.table ?? '');
    return { name: `${verb} ${table}`, kind: 'client', attributes: { ...attributes, 'db.operation.name': verb, 'db.collection.name': table, 'flowtracer.db.operation': operation } };
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}
