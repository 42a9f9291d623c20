// Schema validation with ajv (precompiled for the shipped schema), each fault mapped to one diagnostic at its key or value.
import type { ErrorObject, ValidateFunction } from 'ajv';
import { didYouMean } from './did-you-mean';
import { type Diagnostic, DiagnosticSeverity, makeDiagnostic } from './diagnostic';
import { durationProblem } from './durations';
import type { TextSpan } from './model';
import type { ParsedFlow } from './parse';
import { flowSchema, RETRY_STRATEGY_FIELDS, type FlowSchema, type JsonSchema } from './schema';
import { shippedFlowSchemaValidator } from './shipped-flow-schema-validator';
import { validationSchema } from './validation-schema';
import { keySpanAt, nodeAtPath, nodeSpan, pointerSegments, valueSpanAt } from './yaml-path';

const OTHER_VALIDATORS = new WeakMap<FlowSchema, ValidateFunction>();

/**
 * Flows checked against `root`, a schema other than the shipped one (a test's copy with a new
 * component type), are validated by `validate` (compileFlowSchema of flow-schema-validator.ts). The
 * bundles hold no compiler for the flow schema: the shipped one's validator is precompiled.
 */
export function useFlowSchemaValidator(root: FlowSchema, validate: ValidateFunction): void {
  OTHER_VALIDATORS.set(root, validate);
}

function validatorOf(root: FlowSchema): ValidateFunction {
  if (root === flowSchema) return shippedFlowSchemaValidator();
  const validate = OTHER_VALIDATORS.get(root);
  if (!validate) throw new Error(`the flow schema ${root.$id} has no validator: give it one with useFlowSchemaValidator(schema, compileFlowSchema(schema))`);
  return validate;
}

/** Whether an error's parentSchema is `definition` (errors of a precompiled validator carry copies of the schema as validation reads it). */
function isDefinition(parent: unknown, definition: JsonSchema | undefined): boolean {
  if (definition === undefined || typeof parent !== 'object' || parent === null) return false;
  if (parent === definition) return true;
  // The definitions told apart are patterns: most parents differ there, without a copy compared whole.
  if ((parent as JsonSchema).pattern !== definition.pattern) return false;
  return JSON.stringify(parent) === JSON.stringify(validationSchema(definition));
}

const VALUE_KEYWORDS = new Set(['type', 'enum', 'const', 'pattern', 'minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'uniqueItems']);

export function validateAgainstSchema(parsed: ParsedFlow, root: FlowSchema = flowSchema): Diagnostic[] {
  const validate = validatorOf(root);
  if (parsed.value === undefined || validate(parsed.value)) return [];
  return schemaDiagnostics(parsed, validate.errors ?? [], root);
}

function schemaDiagnostics(parsed: ParsedFlow, errors: readonly ErrorObject[], root: FlowSchema): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const missing = new Map<string, string[]>();
  const unknown = new Set<string>();
  const valueFaults = new Set<string>();
  // Base-schema errors first, so an unknown retry key is reported as unknown, not as "not applicable".
  const ordered = [...errors].sort((a, b) => Number(a.schemaPath.includes('/then/')) - Number(b.schemaPath.includes('/then/')));
  for (const error of ordered) {
    if (error.keyword === 'if') continue;
    const path = pointerSegments(error.instancePath);
    if (error.keyword === 'required') {
      const list = missing.get(error.instancePath) ?? [];
      list.push(String(error.params.missingProperty));
      missing.set(error.instancePath, list);
    } else if (error.keyword === 'additionalProperties') {
      const property = String(error.params.additionalProperty);
      const id = `${error.instancePath}/${property}`;
      if (unknown.has(id)) continue;
      unknown.add(id);
      diagnostics.push(unknownProperty(parsed, path, property, error));
    } else if (VALUE_KEYWORDS.has(error.keyword)) {
      if (valueFaults.has(error.instancePath)) continue;
      valueFaults.add(error.instancePath);
      diagnostics.push(valueProblem(parsed, path, error, root));
    } else {
      diagnostics.push(at(parsed, valueSpanAt(parsed.document, path), 'invalid-value', `${subject(path)} ${error.message ?? 'is not valid'}`));
    }
  }
  for (const [pointer, names] of missing) diagnostics.push(missingProperties(parsed, pointerSegments(pointer), names));
  return diagnostics;
}

function at(parsed: ParsedFlow, span: TextSpan | undefined, code: string, message: string, data?: unknown): Diagnostic {
  return makeDiagnostic(parsed.lines, span ?? { start: 0, end: 0 }, DiagnosticSeverity.Error, code, message, data);
}

function unknownProperty(parsed: ParsedFlow, path: string[], property: string, error: ErrorObject): Diagnostic {
  const span = keySpanAt(parsed.document, [...path, property]);
  if (error.schemaPath.includes('/then/') && isRetryPath(path)) {
    const strategy = retryStrategy(error.data);
    const accepted = (RETRY_STRATEGY_FIELDS[strategy] ?? []).filter((f) => f !== 'strategy');
    return at(parsed, span, 'retry-field-not-applicable',
      `\`${property}\` does not apply to the ${strategy} retry strategy; it takes ${accepted.map((f) => `\`${f}\``).join(', ')}`,
      { property, strategy });
  }
  const allowed = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
  const suggestion = didYouMean(property, allowed);
  const hint = suggestion ? `; did you mean \`${suggestion}\`?` : '';
  return at(parsed, span, 'unknown-property', `unknown property \`${property}\` on ${owner(parsed, path)}${hint}`,
    suggestion ? { property, suggestion } : { property });
}

function missingProperties(parsed: ParsedFlow, path: string[], names: string[]): Diagnostic {
  const { node, pair } = nodeAtPath(parsed.document, path);
  let span = nodeSpan(pair?.key) ?? nodeSpan(node) ?? { start: 0, end: 0 };
  if (!pair?.key) span = { start: span.start, end: firstLineEnd(parsed.text, span) };
  const list = names.map((n) => `\`${n}\``);
  const what = names.length === 1 ? `property ${list[0]}` : `properties ${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
  return at(parsed, span, 'missing-property', `missing required ${what} on ${owner(parsed, path)}`, { missing: names });
}

function valueProblem(parsed: ParsedFlow, path: string[], error: ErrorObject, { definitions }: FlowSchema): Diagnostic {
  const span = valueSpanAt(parsed.document, path);
  const parent = error.parentSchema;
  const name = subject(path);
  if (isDefinition(parent, definitions.duration)) {
    return at(parsed, span, 'bad-duration', `${name}: ${durationProblem(error.data) ?? 'not a duration'}`, { property: lastName(path) });
  }
  if (isDefinition(parent, definitions.githubTeam)) {
    return at(parsed, span, 'bad-team', `\`${String(error.data)}\` is not a GitHub team; write it \`org/team\`, e.g. \`acme/platform-ops\``, { team: error.data });
  }
  switch (error.keyword) {
    case 'enum': {
      const allowed = (error.params.allowedValues as unknown[]).map(String).filter((v, i, all) => all.indexOf(v) === i);
      const suggestion = typeof error.data === 'string' ? didYouMean(error.data, allowed) : undefined;
      const hint = suggestion ? `; did you mean \`${suggestion}\`?` : '';
      const message = path.length === 3 && path[0] === 'components' && path[2] === 'type'
        ? `unknown component type \`${String(error.data)}\`${hint} (one of ${allowed.map((v) => `\`${v}\``).join(', ')})`
        : `${name} must be one of ${allowed.map((v) => `\`${v}\``).join(', ')}${hint}`;
      return at(parsed, span, 'invalid-value', message, suggestion ? { property: lastName(path), allowed, suggestion } : { property: lastName(path), allowed });
    }
    case 'minimum':
      return at(parsed, span, 'invalid-value', `${name} must be at least ${String(error.params.limit)}`, { property: lastName(path) });
    case 'type':
      return at(parsed, span, 'invalid-value', `${name} must be ${typeWords(error.params.type as string | string[])}`, { property: lastName(path) });
    case 'minLength':
      return at(parsed, span, 'invalid-value', `${name} must not be empty`, { property: lastName(path) });
    case 'minItems':
      return at(parsed, span, 'invalid-value', `${name} must list at least ${String(error.params.limit)} ${error.params.limit === 1 ? 'entry' : 'entries'}`, { property: lastName(path) });
    case 'uniqueItems': {
      // ajv's j is the later of the two equal entries: the range is that entry, not the whole list.
      const [first, later] = [Number(error.params.i), Number(error.params.j)].sort((a, b) => a - b) as [number, number];
      const repeated = Array.isArray(error.data) ? error.data[later] : undefined;
      const shown = repeated === undefined ? 'the same value' : `\`${String(repeated)}\``;
      return at(parsed, valueSpanAt(parsed.document, [...path, later]) ?? span, 'invalid-value',
        `${name} lists ${shown} twice (entries ${first + 1} and ${later + 1})`, { property: lastName(path) });
    }
    case 'pattern':
      if (path.length === 1 && path[0] === 'flow') {
        return at(parsed, span, 'invalid-value', `\`${String(error.data)}\` is not a flow id: use lowercase letters, digits and \`-\``, { property: lastName(path) });
      }
      return at(parsed, span, 'invalid-value', `${name} must match \`${String(error.params.pattern)}\``, { property: lastName(path) });
    default:
      return at(parsed, span, 'invalid-value', `${name} ${error.message ?? 'is not valid'}`, { property: lastName(path) });
  }
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: 'a string', integer: 'a whole number', number: 'a number', boolean: '`true` or `false`', array: 'a list', object: 'a map', null: 'empty',
};

function typeWords(type: string | string[]): string {
  return (Array.isArray(type) ? type : type.split(',')).map((t) => TYPE_WORDS[t] ?? t).join(' or ');
}

function lastName(path: readonly string[]): string {
  return path[path.length - 1] ?? '';
}

/** "`maxAttempts`", or "`retryOn[3]`" for a list entry. */
function subject(path: readonly string[]): string {
  if (path.length === 0) return 'the flow';
  const last = lastName(path);
  if (/^[0-9]+$/.test(last) && path.length > 1) return `\`${path[path.length - 2]}[${last}]\``;
  return `\`${last}\``;
}

function isRetryPath(path: readonly string[]): boolean {
  return lastName(path) === 'retry';
}

function retryStrategy(data: unknown): string {
  const strategy = (data as { strategy?: unknown } | null)?.strategy;
  return typeof strategy === 'string' ? strategy : 'exponential';
}

/** Who owns the object at `path`, in words: "kafka component `OrderTopic`", "connection 2 (`A` → `B`)". */
function owner(parsed: ParsedFlow, path: readonly string[]): string {
  if (path.length === 0) return 'the flow';
  if (path[0] === 'components' && path.length >= 2) {
    const name = path[1]!;
    const type = (parsed.value as { components?: Record<string, { type?: unknown }> }).components?.[name]?.type;
    const component = typeof type === 'string' ? `${type} component \`${name}\`` : `component \`${name}\``;
    return path.length === 2 ? component : `\`${path.slice(2).join('.')}\` of ${component}`;
  }
  if (path[0] === 'connections' && path.length >= 2) {
    const index = Number(path[1]);
    const item = (parsed.value as { connections?: { from?: unknown; to?: unknown }[] }).connections?.[index];
    const ends = item && typeof item.from === 'string' && typeof item.to === 'string' ? ` (\`${item.from}\` → \`${item.to}\`)` : '';
    const connection = `connection ${index + 1}${ends}`;
    return path.length === 2 ? connection : `\`${path.slice(2).join('.')}\` of ${connection}`;
  }
  return `\`${path.join('.')}\``;
}

function firstLineEnd(text: string, span: TextSpan): number {
  const newline = text.indexOf('\n', span.start);
  return Math.min(span.end, newline < 0 ? text.length : newline);
}
