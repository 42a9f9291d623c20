// The flow as other systems need it: schema defaults applied, kinds inferred, `${env:…}` resolved, secrets left as references (and the env values that are credentials too).
import { componentTypes } from '../component-types';
import type { FlowModel } from '../model';
import { parseFlow } from '../parse';
import { CONNECTION_DEFAULTS, FLOW_DEFAULTS, RETRY_DEFAULTS, RETRY_STRATEGY_FIELDS, componentDefaults, componentProperties, definitions, defaultsOf } from '../schema';
import { componentSecretRule, envValue, isCredentialPath, type EnvMap, type ValuePath } from '../resolve-values';
import { inUrlPassword } from '../url-password';
import { scanValueReferences } from '../value-references';

export interface ResolvedFlow {
  /** Plain data in the format's key order, ready to write as YAML or JSON. */
  readonly flow: Record<string, unknown>;
  /** `${env:…}` names with neither a value in the env map nor a `:-default` (left as written). */
  readonly unresolvedEnv: readonly string[];
}

const SELECT_DEFAULTS = defaultsOf(definitions.select!);

/** Resolves a flow text; the text's own problems are for checkFlow to report. */
/**
 * Resolves a flow text; the text's own problems are for checkFlow to report. An `${env:…}` in a
 * credential key (`password`, `Authorization`…) or a URL's password stays as written: the export is
 * shared, and those values are secrets. `env: undefined` resolves none (an untrusted workspace).
 */
export function resolveFlow(text: string, env: EnvMap | undefined): ResolvedFlow {
  const model = parseFlow(text).model;
  const unresolved = new Set<string>();
  const resolve = (value: unknown, isSecret = isCredentialPath): unknown => (env ? resolveValues(value, env, unresolved, [], isSecret) : value);
  const flow: Record<string, unknown> = {};
  if (model.id !== undefined) flow.flow = model.id;
  if (model.title !== undefined) flow.title = resolve(model.title);
  if (model.description !== undefined) flow.description = resolve(model.description);
  const defaults = { ...FLOW_DEFAULTS, ...model.defaults };
  const defaultRetry = withRetryDefaults(isRecord(defaults.retry) ? defaults.retry : RETRY_DEFAULTS);
  flow.defaults = resolve({ ...defaults, retry: defaultRetry });
  flow.components = Object.fromEntries(model.components.map((component) => {
    const { type, retry, validation, ...rest } = component.props;
    const resolved = {
      type,
      ...(typeof type === 'string' ? componentDefaults(type) : {}),
      ...rest,
      retry: withRetryDefaults(isRecord(retry) ? retry : defaultRetry),
      validation: validation ?? defaults.validation,
    };
    return [component.name, resolve(inSchemaOrder(resolved, typeof type === 'string' ? type : undefined), componentSecretRule(component.props))];
  }));
  flow.connections = model.connections.map((connection) => resolve(resolvedConnection(model, connection)));
  if (model.access !== undefined) flow.access = resolve(model.access);
  return { flow, unresolvedEnv: [...unresolved].sort() };
}

function resolvedConnection(model: FlowModel, connection: FlowModel['connections'][number]): Record<string, unknown> {
  const fromType = model.components.find((c) => c.name === connection.from)?.type;
  const toType = model.components.find((c) => c.name === connection.to)?.type;
  const { from, to, kind, select, ...rest } = connection.props;
  const types = componentTypes();
  const out: Record<string, unknown> = { from, to, kind: kind ?? types.inferKind(fromType, toType) };
  // Defaults that only mean something for some ends: those of the select fields the source reads (a Kafka
  // source's select.from), and of the connection fields only the target reads (a database target's operation).
  const selectDefaults = pick(SELECT_DEFAULTS, types.facts(fromType)?.select.fields ?? []);
  if (Object.keys(selectDefaults).length > 0) out.select = { ...selectDefaults, ...(isRecord(select) ? select : {}) };
  else if (select !== undefined) out.select = select;
  Object.assign(out, pick(CONNECTION_DEFAULTS, types.facts(toType)?.connection.target ?? []));
  Object.assign(out, rest);
  return out;
}

function pick(values: Readonly<Record<string, unknown>>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([key]) => keys.includes(key)));
}

/** A retry with the schema's defaults for the fields its strategy takes. */
function withRetryDefaults(retry: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const strategy = typeof retry.strategy === 'string' ? retry.strategy : String(RETRY_DEFAULTS.strategy);
  const allowed = RETRY_STRATEGY_FIELDS[strategy];
  const out: Record<string, unknown> = { strategy };
  for (const [key, value] of Object.entries(RETRY_DEFAULTS)) {
    if (key !== 'strategy' && (!allowed || allowed.includes(key))) out[key] = value;
  }
  return { ...out, ...retry };
}

/** A component's keys in the order its schema (and so the format's docs) lists them; unknown keys last. */
function inSchemaOrder(component: Readonly<Record<string, unknown>>, type: string | undefined): Record<string, unknown> {
  const order = ['type', ...componentProperties(type).map((p) => p.name)];
  const keys = Object.keys(component).sort((a, b) => rank(order, a) - rank(order, b));
  return Object.fromEntries(keys.filter((k) => component[k] !== undefined).map((k) => [k, component[k]]));
}

function rank(order: readonly string[], key: string): number {
  const at = order.indexOf(key);
  return at < 0 ? order.length : at;
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Replaces `${env:…}` in every string but the credentials; `${secret:…}` stays a reference, its value is never looked up. */
function resolveValues(value: unknown, env: EnvMap, unresolved: Set<string>, path: ValuePath, isSecret: (path: ValuePath) => boolean): unknown {
  if (typeof value === 'string') return isSecret(path) ? value : resolveString(value, env, unresolved);
  if (Array.isArray(value)) return value.map((item, index) => resolveValues(item, env, unresolved, [...path, index], isSecret));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveValues(v, env, unresolved, [...path, k], isSecret)]));
  return value;
}

function resolveString(text: string, env: EnvMap, unresolved: Set<string>): string {
  const { references } = scanValueReferences(text);
  let out = '';
  let at = 0;
  for (const reference of references) {
    if (reference.source !== 'env' || inUrlPassword(text, reference)) continue;
    const value = envValue(reference, env);
    if (value === undefined) {
      unresolved.add(reference.name);
      continue;
    }
    out += text.slice(at, reference.start) + value;
    at = reference.end;
  }
  return out + text.slice(at);
}
