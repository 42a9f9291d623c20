// The flow schema as validation reads it: without what only editors read.

/** Keywords only editors read: ajv applies no `default` here, so validation gives the same result without them. */
const ANNOTATIONS: ReadonlySet<string> = new Set(['title', 'description', 'markdownDescription', 'default', 'examples', '$comment', 'x-flowtracer']);
/** Keywords whose value maps names to schemas (`dependencies` may also map a name to a list of names). */
const SCHEMA_MAPS: ReadonlySet<string> = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependencies']);
/** Keywords whose value is a schema, or (`items`, `allOf`…) a list of schemas. */
const SCHEMA_VALUES: ReadonlySet<string> = new Set(['items', 'additionalItems', 'additionalProperties', 'contains', 'propertyNames', 'not', 'if', 'then', 'else', 'allOf', 'anyOf', 'oneOf']);

/**
 * The schema without its annotations (descriptions, docs, defaults, FlowTracer's component facts):
 * what validation needs, and all an error's `parentSchema` carries. Values of `enum`, `const` and the
 * other keywords stay as they are, and so do properties that happen to be named `description`.
 */
export function validationSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(validationSchema);
  if (typeof schema !== 'object' || schema === null) return schema; // `true`, `false`
  const out: Record<string, unknown> = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (ANNOTATIONS.has(keyword)) continue;
    if (SCHEMA_MAPS.has(keyword) && typeof value === 'object' && value !== null) {
      out[keyword] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, Array.isArray(sub) ? sub : validationSchema(sub)]));
    } else out[keyword] = SCHEMA_VALUES.has(keyword) ? validationSchema(value) : value;
  }
  return out;
}
