// A component type's facts, read from its schema definition's `x-flowtracer` keyword: what every face derives per type.
import { componentSchemas, componentTypeEnum, flowSchema, propertiesOf, resolveSchema, type FlowSchema, type JsonSchema } from './schema';

/**
 * How connections with a component of the type are named (their inferred kind): between two `broker`s
 * `<from>-to-<to>`; to or from a `database` `db`; to a `processor` (or from one to a broker) `processing`.
 * A `database` target also takes the row-write fields of its `connection.target` facts.
 */
export type ComponentFamily = 'broker' | 'database' | 'processor';

/** Select values with the sentence completion shows beside each. */
export type SelectValues = Readonly<Record<string, Readonly<Record<string, string>>>>;

export interface ComponentTypeFacts {
  readonly name: string;
  readonly family: ComponentFamily;
  /** What one is called: a new component's name is `New<noun>`. */
  readonly noun: string;
  /** The settings that say where a component is (its topic, queue, table, URL), the first one written shown. */
  readonly headline: readonly string[];
  readonly select: {
    /** The `select` fields a connection from the type reads; none: it is never the source of a bounded read. */
    readonly fields: readonly string[];
    readonly required: readonly string[];
    /** Fields that are Kafka positions (flow/kafka-positions.ts), with the keywords completion suggests. */
    readonly positions: SelectValues;
    /** Fields that take only these values. */
    readonly values: SelectValues;
  };
  /** The connection fields only a connection from (`source`) or to (`target`) a component of the type reads. */
  readonly connection: { readonly source: readonly string[]; readonly target: readonly string[] };
  /**
   * New Flow's lines: the component's settings, and what a connection from (`source`) or to (`target`) it adds;
   * `{{kebab}}` and `{{snake}}` stand for the component's name in those cases.
   */
  readonly template: { readonly component: readonly string[]; readonly source: readonly string[]; readonly target: readonly string[] };
  /** The type's own definition in the schema. */
  readonly schema: JsonSchema;
}

export interface ComponentTypes {
  /** In the schema's order (its `component` branches). */
  readonly names: readonly string[];
  /** The facts of a type the schema defines, else undefined. */
  facts(type: string | undefined): ComponentTypeFacts | undefined;
  /** The connection kinds the schema allows to be written. */
  readonly kinds: readonly string[];
  /** A connection's kind from the types of its ends, as the format defines it (see ComponentFamily). */
  inferKind(fromType: string | undefined, toType: string | undefined): string | undefined;
}

/** A schema whose `x-flowtracer` facts are missing or malformed. */
export class ComponentFactsError extends Error {
  override readonly name = 'ComponentFactsError';
}

const FAMILIES: readonly string[] = ['broker', 'database', 'processor'] satisfies readonly ComponentFamily[];
const READ = new WeakMap<FlowSchema, ComponentTypes>();

/** The component types of a flow schema (default: the shipped one), read once per schema object. */
export function componentTypes(root: FlowSchema = flowSchema): ComponentTypes {
  const cached = READ.get(root);
  if (cached) return cached;
  const facts = new Map([...componentSchemas(root)].map(([name, schema]) => [name, readFacts(name, schema, root)]));
  const listed = componentTypeEnum(root);
  if (listed.join() !== [...facts.keys()].join()) {
    throw new ComponentFactsError(`flow schema: the component \`type\` enum (${listed.join(', ')}) and the component branches (${[...facts.keys()].join(', ')}) must list the same types in the same order`);
  }
  const kinds = (resolveSchema(root.definitions.connection?.properties?.kind as JsonSchema, root).enum ?? []).map(String);
  const types: ComponentTypes = {
    names: [...facts.keys()],
    facts: (type) => (type === undefined ? undefined : facts.get(type)),
    kinds,
    inferKind: (fromType, toType) => inferFrom(facts.get(fromType ?? ''), facts.get(toType ?? '')),
  };
  READ.set(root, types);
  return types;
}

function inferFrom(from: ComponentTypeFacts | undefined, to: ComponentTypeFacts | undefined): string | undefined {
  if (!from || !to) return undefined;
  if (from.family === 'database' || to.family === 'database') return 'db';
  if (to.family === 'processor') return 'processing';
  if (from.family === 'broker' && to.family === 'broker') return `${from.name}-to-${to.name}`;
  // A service or API feeding a broker is its output being published.
  return from.family === 'processor' ? 'processing' : undefined;
}

/** The shipped schema's component types. */
export const COMPONENT_TYPES: readonly string[] = componentTypes().names;

/** `componentTypes(root).inferKind`, by default of the shipped schema. */
export function inferKind(fromType: string | undefined, toType: string | undefined, root: FlowSchema = flowSchema): string | undefined {
  return componentTypes(root).inferKind(fromType, toType);
}

function readFacts(name: string, schema: JsonSchema, root: FlowSchema): ComponentTypeFacts {
  const fail = (what: string): never => {
    throw new ComponentFactsError(`flow schema: component type \`${name}\`: x-flowtracer ${what}`);
  };
  const raw = schema['x-flowtracer'];
  if (!isRecord(raw)) return fail('is missing (its definition needs the facts every face reads)');
  const strings = (value: unknown, what: string): readonly string[] =>
    value === undefined ? [] : Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : fail(`${what} must be a list of strings`);
  const values = (value: unknown, what: string): SelectValues =>
    value === undefined ? {} : isRecord(value) && Object.values(value).every((v) => isRecord(v) && Object.values(v).every((s) => typeof s === 'string'))
      ? (value as SelectValues) : fail(`${what} must map fields to {value: sentence}`);
  const within = (fields: readonly string[], allowed: JsonSchema | undefined, what: string): readonly string[] => {
    const known = propertiesOf(allowed ?? {}, root).map((p) => p.name);
    const stray = fields.filter((f) => !known.includes(f));
    return stray.length ? fail(`${what} names ${stray.map((f) => `\`${f}\``).join(', ')}, which the schema does not define there`) : fields;
  };
  const family = FAMILIES.includes(String(raw.family)) ? (raw.family as ComponentFamily) : fail(`family must be one of ${FAMILIES.join(', ')}`);
  const select = isRecord(raw.select) ? raw.select : fail('select must be a map with its `fields`');
  const connection = isRecord(raw.connection) ? raw.connection : raw.connection === undefined ? {} : fail('connection must be a map');
  const template = isRecord(raw.template) ? raw.template : fail('template must be a map with its `component` lines');
  const selectSchema = root.definitions.select;
  const connectionSchema = root.definitions.connection;
  return {
    name,
    family,
    noun: typeof raw.noun === 'string' ? raw.noun : fail('noun must be a string'),
    headline: within(strings(raw.headline, 'headline'), schema, 'headline'),
    select: {
      fields: within(strings(select.fields, 'select.fields'), selectSchema, 'select.fields'),
      required: within(strings(select.required, 'select.required'), selectSchema, 'select.required'),
      positions: values(select.positions, 'select.positions'),
      values: values(select.values, 'select.values'),
    },
    connection: {
      source: within(strings(connection.source, 'connection.source'), connectionSchema, 'connection.source'),
      target: within(strings(connection.target, 'connection.target'), connectionSchema, 'connection.target'),
    },
    template: {
      component: nonEmpty(strings(template.component, 'template.component')) ?? fail('template.component must list the component\'s lines'),
      source: strings(template.source, 'template.source'),
      target: strings(template.target, 'template.target'),
    },
    schema,
  };
}

function nonEmpty(list: readonly string[]): readonly string[] | undefined {
  return list.length > 0 ? list : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
