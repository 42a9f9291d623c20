// What keys and values the flow format allows where, read from the schema (flow/schema.ts): the features' view of the format.
import { componentTypes } from '../../flow/component-types';
import { hasScheme, hostOf as urlHost } from '../../flow/url-host';
import { componentProperties, flowSchema, propertiesOf, schemaAtPath, type FlowSchema, type PropertyDoc } from '../../flow/schema';

export interface PropertyInfo {
  readonly name: string;
  readonly required: boolean;
  /** Markdown docs with an example. */
  readonly doc: string;
  /** Allowed values when the property is an enum (or an array of enum values). */
  readonly values?: readonly string[];
  /** What a new value looks like. */
  readonly shape: 'scalar' | 'map' | 'list';
  /** A value to put in a snippet: the schema default, else the property name. */
  readonly placeholder: string;
}

function infoOf(property: PropertyDoc): PropertyInfo {
  const shape = property.type === 'object' ? 'map' : property.type === 'array' ? 'list' : 'scalar';
  const placeholder = property.default !== undefined && typeof property.default !== 'object' ? String(property.default) : property.name;
  // A boolean's two values are offered like an enum's.
  const values = property.values ?? (property.type === 'boolean' ? ['true', 'false'] : undefined);
  return { name: property.name, required: property.required, doc: property.markdownDescription, values, shape, placeholder };
}

/** The properties of a component of `type` (required first), or of any component when the type is unknown. */
export function componentPropertyInfos(type: string | undefined, root: FlowSchema = flowSchema): PropertyInfo[] {
  return componentProperties(type, root).map(infoOf);
}

/**
 * The properties allowed in the mapping at `path` (keys from the root; numbers or '[]' for list items),
 * or undefined where the schema allows no fixed set (e.g. `headers`, `columns`).
 * `componentType` gives the type of the component the path is inside, if any.
 */
export function propertiesAt(path: readonly (string | number)[], componentType: string | undefined, root: FlowSchema = flowSchema): readonly PropertyInfo[] | undefined {
  if (path.length === 1 && path[0] === 'components') return undefined;
  const schemaPath = path.map((segment) => (segment === '[]' ? 0 : segment));
  const schema = schemaAtPath(schemaPath, () => componentType, root);
  if (!schema?.properties) return undefined;
  return propertiesOf(schema, root).map(infoOf);
}

/** The main target of a component, for details: the first of its type's headline settings written (topic, queue, table), a URL as its host. */
export function mainTarget(type: string | undefined, props: Readonly<Record<string, unknown>>, root: FlowSchema = flowSchema): string | undefined {
  const text = (value: unknown): string | undefined => (typeof value === 'string' || typeof value === 'number' ? String(value) : undefined);
  const headline = componentTypes(root).facts(type)?.headline ?? ['url'];
  const key = headline.find((candidate) => text(props[candidate]) !== undefined);
  if (key === undefined) return undefined;
  return key === 'url' ? hostOf(text(props.url)) : `${key} ${text(props[key])}`;
}

function hostOf(url: string | undefined): string | undefined {
  if (!url || !hasScheme(url)) return undefined;
  const host = urlHost(url, false);
  return host ? `host ${host}` : undefined;
}
