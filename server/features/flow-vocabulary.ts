// What keys and values the flow format allows where, read from the schema (flow/schema.ts): the features' view of the format.
import { hasScheme, hostOf as urlHost } from '../../flow/url-host';
import { COMPONENT_TYPE_NAMES, componentProperties, propertiesOf, schemaAtPath, type PropertyDoc } from '../../flow/schema';

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

export const COMPONENT_TYPES: readonly string[] = COMPONENT_TYPE_NAMES;

/** The properties of a component of `type` (required first), or of any component when the type is unknown. */
export function componentPropertyInfos(type: string | undefined): PropertyInfo[] {
  return componentProperties(type).map(infoOf);
}

/**
 * The properties allowed in the mapping at `path` (keys from the root; numbers or '[]' for list items),
 * or undefined where the schema allows no fixed set (e.g. `headers`, `columns`).
 * `componentType` gives the type of the component the path is inside, if any.
 */
export function propertiesAt(path: readonly (string | number)[], componentType: string | undefined): readonly PropertyInfo[] | undefined {
  if (path.length === 1 && path[0] === 'components') return undefined;
  const schemaPath = path.map((segment) => (segment === '[]' ? 0 : segment));
  const schema = schemaAtPath(schemaPath, () => componentType);
  if (!schema?.properties) return undefined;
  return propertiesOf(schema).map(infoOf);
}

/** The main target of a component, for details: its topic, queue, table or host. */
export function mainTarget(type: string | undefined, props: Readonly<Record<string, unknown>>): string | undefined {
  const text = (value: unknown): string | undefined => (typeof value === 'string' || typeof value === 'number' ? String(value) : undefined);
  switch (type) {
    case 'kafka':
      return text(props.topic) && `topic ${text(props.topic)}`;
    case 'mq':
      return text(props.queue) && `queue ${text(props.queue)}`;
    case 'database':
      return text(props.table) ? `table ${text(props.table)}` : hostOf(text(props.url));
    default:
      return hostOf(text(props.url));
  }
}

function hostOf(url: string | undefined): string | undefined {
  if (!url || !hasScheme(url)) return undefined;
  const host = urlHost(url, false);
  return host ? `host ${host}` : undefined;
}
