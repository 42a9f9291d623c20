// Values completion offers beyond the schema's enums: Kafka/MQ positions in `select`, JSONPaths in `columns`, key columns.
import { DEFAULT_COLUMN } from '../../flow/connection-checks';
import { MQ_UNTIL_KEYWORD } from '../../flow/select-checks';
import type { CompletionScope } from './completion-scope';

export interface SuggestedValue {
  readonly value: string;
  readonly detail: string;
}

const FROM_EARLIEST: SuggestedValue = { value: 'earliest', detail: 'the oldest message the topic still holds (or write an offset or an ISO-8601 time)' };
const UNTIL_END: SuggestedValue = { value: 'end', detail: 'the end of the topic when the run starts (or write an offset or an ISO-8601 time)' };
const UNTIL_EMPTY: SuggestedValue = { value: MQ_UNTIL_KEYWORD, detail: 'stop when the queue is empty' };

/** Values for the `key` at `path`, or undefined when this module has none to add. */
export function suggestedValues(path: readonly string[], key: string | undefined, scope: CompletionScope): SuggestedValue[] | undefined {
  const ends = scope.connection;
  if (!ends || path[0] !== 'connections' || key === undefined) return undefined;
  const sourceType = ends.source?.type;
  if (path.length === 3 && path[2] === 'select') {
    if (key === 'from' && (sourceType === undefined || sourceType === 'kafka')) return [FROM_EARLIEST];
    if (key === 'until') return sourceType === 'kafka' ? [UNTIL_END] : sourceType === 'mq' ? [UNTIL_EMPTY] : sourceType ? [] : [UNTIL_END, UNTIL_EMPTY];
    return undefined;
  }
  if (path.length === 3 && path[2] === 'columns') return jsonPathsFor(key);
  if (path.length === 2 && key === 'key') {
    const columns = ends.props.columns && typeof ends.props.columns === 'object' && !Array.isArray(ends.props.columns) ? Object.keys(ends.props.columns) : [DEFAULT_COLUMN];
    return columns.map((column) => ({ value: column, detail: 'a column of `columns`' }));
  }
  return undefined;
}

/** The whole payload, and the payload field named like the column (as written, and in camelCase). */
function jsonPathsFor(column: string): SuggestedValue[] {
  const values: SuggestedValue[] = [{ value: '$', detail: 'the whole payload' }];
  const field = (name: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? `$.${name}` : `$['${name.replace(/'/g, "\\'")}']`);
  values.push({ value: field(column), detail: `the payload's \`${column}\`` });
  const camel = column.replace(/[_-]+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  if (camel !== column) values.push({ value: field(camel), detail: `the payload's \`${camel}\`` });
  return values;
}

/** Key columns that `columns` does not write yet: offered as new column names. */
export function missingKeyColumns(scope: CompletionScope): string[] {
  const key = scope.connection?.props.key;
  const keys = typeof key === 'string' ? [key] : Array.isArray(key) ? key.filter((k): k is string => typeof k === 'string') : [];
  return keys.filter((column) => !(column in scope.written));
}
