// Values completion offers beyond the schema's enums: `select` positions and values of the source's type, JSONPaths in `columns`, key columns.
import { componentTypes, type ComponentTypeFacts } from '../../flow/component-types';
import { DEFAULT_COLUMN } from '../../flow/connection-checks';
import { flowSchema, type FlowSchema } from '../../flow/schema';
import type { CompletionScope } from './completion-scope';

export interface SuggestedValue {
  readonly value: string;
  readonly detail: string;
}

/** Values for the `key` at `path`, or undefined when this module has none to add. */
export function suggestedValues(path: readonly string[], key: string | undefined, scope: CompletionScope, root: FlowSchema = flowSchema): SuggestedValue[] | undefined {
  const ends = scope.connection;
  if (!ends || path[0] !== 'connections' || key === undefined) return undefined;
  const sourceType = ends.source?.type;
  if (path.length === 3 && path[2] === 'select') return selectValues(key, sourceType, root);
  if (path.length === 3 && path[2] === 'columns') return jsonPathsFor(key);
  if (path.length === 2 && key === 'key') {
    const columns = ends.props.columns && typeof ends.props.columns === 'object' && !Array.isArray(ends.props.columns) ? Object.keys(ends.props.columns) : [DEFAULT_COLUMN];
    return columns.map((column) => ({ value: column, detail: 'a column of `columns`' }));
  }
  return undefined;
}

/**
 * The positions and values the source's type suggests for a `select` field (every type's when the source is
 * unwritten), or undefined when no type suggests any for it.
 */
function selectValues(field: string, sourceType: string | undefined, root: FlowSchema): SuggestedValue[] | undefined {
  const types = componentTypes(root);
  const of = (facts: ComponentTypeFacts | undefined): SuggestedValue[] =>
    Object.entries({ ...facts?.select.positions[field], ...facts?.select.values[field] }).map(([value, detail]) => ({ value, detail }));
  const every = types.names.flatMap((name) => of(types.facts(name)));
  if (every.length === 0) return undefined;
  if (sourceType !== undefined) return of(types.facts(sourceType));
  return every.filter((suggested, i) => every.findIndex((other) => other.value === suggested.value) === i);
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
