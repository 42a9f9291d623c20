// The keys completion offers where the schema alone allows more: retry fields of the written strategy,
// `select` fields of the source's type, database fields only on connections to or from a database.
import { DB_WRITE_FIELDS } from '../../flow/connection-checks';
import { definitions, RETRY_DEFAULTS, RETRY_STRATEGY_FIELDS } from '../../flow/schema';
import { SELECT_FIELDS } from '../../flow/select-checks';
import type { CompletionScope } from './completion-scope';
import type { PropertyInfo } from './flow-vocabulary';

/** Fields each strategy requires (the schema's `then.required`, e.g. `delays` for custom). */
const RETRY_STRATEGY_REQUIRED: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  (definitions.retry!.allOf ?? []).map((branch) => [String((branch.if.properties!.strategy as { const?: unknown }).const), branch.then.required ?? []]),
);

/** Connection fields read only when the source is of one type (the schema's descriptions say "From a database"). */
const SOURCE_ONLY_FIELDS: Readonly<Record<string, string>> = { keyColumn: 'database' };

/** Connection fields only an HTTP end reads: headers forwarded into a service's requests, the size of a service's or an api's answers. */
const HTTP_ONLY_FIELDS: Readonly<Record<string, (source: string | undefined, target: string | undefined) => boolean>> = {
  forwardHeaders: (_source, target) => target === 'service',
  maxResponseBytes: (source, target) => target === 'service' || source === 'api',
};

/** Fields required by the source's type inside `select` (a database source reads its `query`). */
const SELECT_REQUIRED: Readonly<Record<string, readonly string[]>> = { database: ['query'] };

export function keysInScope(path: readonly string[], properties: readonly PropertyInfo[], scope: CompletionScope): PropertyInfo[] {
  const last = path[path.length - 1];
  // `defaults.retry` or `components.<name>.retry` (a component may itself be named `retry`).
  if (last === 'retry' && ((path.length === 2 && path[0] === 'defaults') || (path.length === 3 && path[0] === 'components'))) {
    const strategy = typeof scope.written.strategy === 'string' ? scope.written.strategy : String(RETRY_DEFAULTS.strategy);
    const fields = RETRY_STRATEGY_FIELDS[strategy];
    // A strategy that is not one of the schema's: its error is reported elsewhere; offer every field.
    return fields ? restrict(properties, fields, RETRY_STRATEGY_REQUIRED[strategy] ?? []) : [...properties];
  }
  const ends = scope.connection;
  if (!ends || path[0] !== 'connections') return [...properties];
  const sourceType = ends.source?.type;
  const targetType = ends.target?.type;
  if (path.length === 2) {
    return properties.filter((property) => {
      if (targetType && targetType !== 'database' && (DB_WRITE_FIELDS as readonly string[]).includes(property.name)) return false;
      const onlyFrom = SOURCE_ONLY_FIELDS[property.name];
      if (sourceType && onlyFrom && sourceType !== onlyFrom) return false;
      const http = HTTP_ONLY_FIELDS[property.name];
      if (http && sourceType && targetType && !http(sourceType, targetType)) return false;
      return !(property.name === 'select' && sourceType && SELECT_FIELDS[sourceType]?.length === 0);
    });
  }
  if (path.length === 3 && last === 'select' && sourceType && SELECT_FIELDS[sourceType]) {
    return restrict(properties, SELECT_FIELDS[sourceType]!, SELECT_REQUIRED[sourceType] ?? []);
  }
  return [...properties];
}

/** Only `fields`, `required` ones marked and first (each group keeps the schema's order). */
function restrict(properties: readonly PropertyInfo[], fields: readonly string[], required: readonly string[]): PropertyInfo[] {
  const kept = properties.filter((p) => fields.includes(p.name)).map((p) => (required.includes(p.name) ? { ...p, required: true } : p));
  return [...kept.filter((p) => p.required), ...kept.filter((p) => !p.required)];
}
