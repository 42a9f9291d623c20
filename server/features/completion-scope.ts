// What is written around the cursor, for completion: the mapping being filled, and the ends of the connection it is in.
import type { FlowComponent, FlowModel } from '../../flow/model';
import { componentNamed, connectionAt } from './component-lookup';

export interface CompletionScope {
  /** The mapping at the cursor's path as written (empty when nothing is, or the YAML is too broken to read). */
  readonly written: Readonly<Record<string, unknown>>;
  /** The connection the cursor is in (path `connections/[]/…`), with its resolved ends. */
  readonly connection?: {
    readonly props: Readonly<Record<string, unknown>>;
    readonly source: FlowComponent | undefined;
    readonly target: FlowComponent | undefined;
  };
  /** The type of the component the cursor is in (path `components/<name>/…`). */
  readonly componentType?: string | undefined;
}

const asMap = (value: unknown): Readonly<Record<string, unknown>> | undefined =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

/** Walks `value` down `keys`; undefined as soon as a step is not a mapping. */
function descend(value: unknown, keys: readonly string[]): Readonly<Record<string, unknown>> | undefined {
  let current = asMap(value);
  for (const key of keys) current = asMap(current?.[key]);
  return current;
}

export function completionScope(model: FlowModel, rootValue: unknown, path: readonly string[], offset: number): CompletionScope {
  if (path[0] === 'components' && path.length >= 2) {
    const component = componentNamed(model, path[1]);
    return { written: descend(component?.props, path.slice(2)) ?? {}, componentType: component?.type };
  }
  if (path[0] === 'connections' && path[1] === '[]') {
    const connection = connectionAt(model, offset);
    const props = connection?.props ?? {};
    return {
      written: descend(props, path.slice(2)) ?? {},
      connection: { props, source: componentNamed(model, connection?.from), target: componentNamed(model, connection?.to) },
    };
  }
  if (path[0] === 'defaults') return { written: descend(model.defaults, path.slice(1)) ?? {} };
  if (path[0] === 'access') return { written: descend(model.access, path.slice(1)) ?? {} };
  return { written: descend(rootValue, path) ?? {} };
}
