// Typed access to schemas/flow.schema.json: property lists, docs, enums and defaults from one source.
import schemaJson from '../schemas/flow.schema.json';

/** The parts of JSON Schema draft-07 the flow schema uses. */
export interface JsonSchema {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly description?: string;
  readonly markdownDescription?: string;
  readonly properties?: Readonly<Record<string, JsonSchema | boolean>>;
  readonly additionalProperties?: JsonSchema | boolean;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly default?: unknown;
  readonly pattern?: string;
  readonly minimum?: number;
  readonly allOf?: readonly { readonly if: JsonSchema; readonly then: JsonSchema }[];
  readonly definitions?: Readonly<Record<string, JsonSchema>>;
  /** FlowTracer's facts about a component type (flow/component-types.ts reads them); validation ignores them. */
  readonly 'x-flowtracer'?: unknown;
}

/** A whole flow schema: the shipped one, or (in tests) a copy with more component types. */
export type FlowSchema = JsonSchema & { readonly $id: string; readonly definitions: Readonly<Record<string, JsonSchema>> };

export const flowSchema = schemaJson as unknown as FlowSchema;
export const definitions = flowSchema.definitions;

export interface PropertyDoc {
  readonly name: string;
  readonly required: boolean;
  readonly description: string;
  readonly markdownDescription: string;
  /** Allowed values, of the property or of its items. */
  readonly values: readonly string[] | undefined;
  readonly default: unknown;
  /** `object`, `array`, or a scalar type name. */
  readonly type: string | undefined;
  readonly schema: JsonSchema;
}

/** Follows a `$ref` (into `root`'s definitions), keeping the referring schema's own keywords (its description, default) on top. */
export function resolveSchema(schema: JsonSchema, root: FlowSchema = flowSchema): JsonSchema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace('#/definitions/', '');
  const target = resolveSchema(root.definitions[name] ?? {}, root);
  const { $ref: _ref, ...own } = schema;
  return { ...target, ...own };
}

function valuesOf(schema: JsonSchema, root: FlowSchema = flowSchema): readonly string[] | undefined {
  const resolved = resolveSchema(schema, root);
  const own = resolved.enum ?? (resolved.const !== undefined ? [resolved.const] : undefined);
  const values = own ?? (resolved.items ? resolveSchema(resolved.items, root).enum : undefined);
  return values ? [...new Set(values.map(String))] : undefined;
}

function typeName(schema: JsonSchema): string | undefined {
  const type = schema.type ?? (schema.const !== undefined ? 'string' : undefined);
  return Array.isArray(type) ? type[0] : (type as string | undefined);
}

/** The properties an object schema allows, required ones first, each group in schema order. */
export function propertiesOf(objectSchema: JsonSchema, root: FlowSchema = flowSchema): PropertyDoc[] {
  const schema = resolveSchema(objectSchema, root);
  const required = new Set(schema.required ?? []);
  const docs = Object.entries(schema.properties ?? {}).map(([name, raw]): PropertyDoc => {
    const property = resolveSchema(typeof raw === 'boolean' ? {} : raw, root);
    return {
      name,
      required: required.has(name),
      description: property.description ?? '',
      markdownDescription: property.markdownDescription ?? property.description ?? '',
      values: valuesOf(property, root),
      default: property.default,
      type: typeName(property),
      schema: property,
    };
  });
  return [...docs.filter((d) => d.required), ...docs.filter((d) => !d.required)];
}

/** The component types the `component` definition's `type` enum lists, in its order. */
export function componentTypeEnum(root: FlowSchema = flowSchema): readonly string[] {
  return valuesOf(root.definitions.component!.properties!.type as JsonSchema, root) ?? [];
}

/**
 * Each component type's own schema, from the `component` definition's `if: {type: const} then: {$ref}` branches
 * (what validation applies), in their order.
 */
export function componentSchemas(root: FlowSchema = flowSchema): ReadonlyMap<string, JsonSchema> {
  const cached = COMPONENT_SCHEMAS.get(root);
  if (cached) return cached;
  const schemas = new Map<string, JsonSchema>();
  for (const branch of root.definitions.component!.allOf ?? []) {
    const type = (branch.if.properties?.type as JsonSchema | undefined)?.const;
    const ref = branch.then.$ref?.replace('#/definitions/', '');
    if (typeof type === 'string') schemas.set(type, (ref !== undefined ? root.definitions[ref] : branch.then) ?? {});
  }
  COMPONENT_SCHEMAS.set(root, schemas);
  return schemas;
}

const COMPONENT_SCHEMAS = new WeakMap<FlowSchema, ReadonlyMap<string, JsonSchema>>();

export function componentSchema(type: string | undefined, root: FlowSchema = flowSchema): JsonSchema | undefined {
  return type === undefined ? undefined : componentSchemas(root).get(type);
}

export function componentProperties(type: string | undefined, root: FlowSchema = flowSchema): PropertyDoc[] {
  const schema = componentSchema(type, root);
  return propertiesOf(schema ?? root.definitions.component!, root);
}

/** The retry strategies, in the schema's order. */
export const RETRY_STRATEGY_NAMES: readonly string[] = valuesOf((definitions.retry!.properties!.strategy as JsonSchema)) ?? [];

/** The retry fields each strategy accepts (from the schema's if/then branches). */
export const RETRY_STRATEGY_FIELDS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  (definitions.retry!.allOf ?? []).map((branch) => [
    String((branch.if.properties!.strategy as JsonSchema).const),
    Object.keys(branch.then.properties ?? {}),
  ]),
);

/** Defaults of every property of an object schema that declares one. */
export function defaultsOf(objectSchema: JsonSchema, root: FlowSchema = flowSchema): Readonly<Record<string, unknown>> {
  return Object.fromEntries(propertiesOf(objectSchema, root).filter((p) => p.default !== undefined).map((p) => [p.name, p.default]));
}

export const RETRY_DEFAULTS = defaultsOf(definitions.retry!);
export const CONNECTION_DEFAULTS = defaultsOf(definitions.connection!);
export const FLOW_DEFAULTS = defaultsOf(definitions.defaults!);
export const JOURNAL_DEFAULTS = defaultsOf(definitions.journal!);
export const DEAD_LETTER_DEFAULTS = defaultsOf(definitions.select!.properties!.deadLetters as JsonSchema) as { readonly maxRedrives: number; readonly keepHeaders: boolean };

export function componentDefaults(type: string, root: FlowSchema = flowSchema): Readonly<Record<string, unknown>> {
  const schema = componentSchema(type, root);
  return schema ? defaultsOf(schema, root) : {};
}

/**
 * The schema at a path of the flow document, e.g. `['components', 'OrderTopic', 'retry', 'delay']`.
 * `componentTypeOf` picks the component's own schema by its type.
 */
export function schemaAtPath(path: readonly (string | number)[], componentTypeOf: (name: string) => string | undefined = () => undefined, root: FlowSchema = flowSchema): JsonSchema | undefined {
  let schema: JsonSchema | undefined = root;
  for (let i = 0; i < path.length && schema; i++) {
    const segment = path[i]!;
    const current: JsonSchema = resolveSchema(schema, root);
    if (typeof segment === 'number' || current.type === 'array') {
      schema = current.items;
      continue;
    }
    const property: JsonSchema | boolean | undefined = current.properties?.[segment];
    const next: JsonSchema | boolean | undefined = property ?? current.additionalProperties;
    schema = typeof next === 'object' ? next : undefined;
    if (schema?.$ref === '#/definitions/component' && i === 1 && path[0] === 'components') {
      schema = componentSchema(componentTypeOf(segment), root) ?? schema;
    }
  }
  return schema ? resolveSchema(schema, root) : undefined;
}
