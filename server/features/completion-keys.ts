// The keys completion offers where the schema alone allows more: retry fields of the written strategy,
// `select` fields of the source's type, connection fields only where an end's type reads them (its x-flowtracer facts).
import { componentTypes, type ComponentTypes } from '../../flow/component-types';
import { definitions, flowSchema, RETRY_DEFAULTS, RETRY_STRATEGY_FIELDS, type FlowSchema } from '../../flow/schema';
import type { CompletionScope } from './completion-scope';
import type { PropertyInfo } from './flow-vocabulary';

/** Fields each strategy requires (the schema's `then.required`, e.g. `delays` for custom). */
const RETRY_STRATEGY_REQUIRED: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  (definitions.retry!.allOf ?? []).map((branch) => [String((branch.if.properties!.strategy as { const?: unknown }).const), branch.then.required ?? []]),
);

export function keysInScope(path: readonly string[], properties: readonly PropertyInfo[], scope: CompletionScope, root: FlowSchema = flowSchema): PropertyInfo[] {
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
  const types = componentTypes(root);
  const sourceType = ends.source?.type;
  const targetType = ends.target?.type;
  const source = types.facts(sourceType);
  if (path.length === 2) {
    return properties.filter((property) => readBy(types, property.name, sourceType, targetType)
      && !(property.name === 'select' && sourceType && source?.select.fields.length === 0));
  }
  if (path.length === 3 && last === 'select' && sourceType && source) return restrict(properties, source.select.fields, source.select.required);
  return [...properties];
}

/**
 * Whether a connection between these types reads the field: one that some type reads only as a source
 * (`keyColumn`) or only as a target (`table`) is offered while that end's type is unwritten or reads it;
 * one some type reads as a source and another as a target (`maxResponseBytes`) while either end does or
 * is unwritten.
 */
function readBy(types: ComponentTypes, field: string, sourceType: string | undefined, targetType: string | undefined): boolean {
  const lists = (role: 'source' | 'target') => types.names.map((name) => types.facts(name)!.connection[role]);
  const asSource = lists('source').some((fields) => fields.includes(field));
  const asTarget = lists('target').some((fields) => fields.includes(field));
  const bySource = !sourceType || (types.facts(sourceType)?.connection.source.includes(field) ?? false);
  const byTarget = !targetType || (types.facts(targetType)?.connection.target.includes(field) ?? false);
  if (asSource && asTarget) return bySource || byTarget;
  if (asSource) return bySource;
  if (asTarget) return byTarget;
  return true;
}

/** Only `fields`, `required` ones marked and first (each group keeps the schema's order). */
function restrict(properties: readonly PropertyInfo[], fields: readonly string[], required: readonly string[]): PropertyInfo[] {
  const kept = properties.filter((p) => fields.includes(p.name)).map((p) => (required.includes(p.name) ? { ...p, required: true } : p));
  return [...kept.filter((p) => p.required), ...kept.filter((p) => !p.required)];
}
