// The one rule for `${env:NAME}`, `${env:NAME:-default}` and `${secret:NAME}`: the executor, the run's host check and the export all resolve with it.
import { isCredentialKey, isSecretComponent } from './secret-mask';
import { inUrlPassword } from './url-password';
import { scanValueReferences, type ValueReference } from './value-references';

/** Where a value stands in a component's properties: `['headers', 'Authorization']`. */
export type ValuePath = readonly (string | number)[];

export type EnvMap = Readonly<Record<string, string | undefined>>;

/** A reference that has no value; the message is the one line the user sees. */
export class MissingValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingValueError';
  }
}

/** `rabbit-password` -> `FLOWTRACER_SECRET_RABBIT_PASSWORD`, where the CLI reads that secret. */
export function secretEnvName(name: string): string {
  return `FLOWTRACER_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** An env reference's value: the variable, or its default when the variable is unset (or empty and a default is written); undefined when neither. */
export function envValue(reference: ValueReference, env: EnvMap): string | undefined {
  const value = env[reference.name];
  if (value === undefined || (value === '' && reference.fallback !== undefined)) return reference.fallback;
  return value;
}

export interface ValueLookup {
  readonly env: EnvMap;
  /** A secret's value; undefined when it is not set. */
  secret(name: string): Promise<string | undefined>;
  /** Names the owner in error messages, e.g. `component OrderQueue`. */
  readonly owner: string;
  /** Told every secret value used, so that the caller can mask it: `${secret:…}` values and the `${env:…}` values `isSecret` marks. */
  onSecret?(value: string): void;
  /** Whether the value at a path is a credential, so that the env values in it are secrets (default: a credential key, flow/secret-mask.ts). */
  isSecret?(path: ValuePath): boolean;
}

/** The default rule: a credential key anywhere on the path (`password`, `headers.Authorization`, `sasl.password`). */
export function isCredentialPath(path: ValuePath): boolean {
  return path.some((key) => isCredentialKey(key));
}

/** One component's rule: every `${env:…}` value of a component marked `secret: true` is a secret, else those under credential keys. */
export function componentSecretRule(props: Readonly<Record<string, unknown>>): (path: ValuePath) => boolean {
  return isSecretComponent(props) ? () => true : isCredentialPath;
}


/** `text` with every reference replaced by its value; a malformed or missing one throws MissingValueError. */
export async function resolveString(text: string, lookup: ValueLookup, path: ValuePath = []): Promise<string> {
  const { references, problems } = scanValueReferences(text);
  const secretPath = (lookup.isSecret ?? isCredentialPath)(path);
  if (problems[0]) throw new MissingValueError(`${lookup.owner}: ${problems[0].message}`);
  let out = '';
  let from = 0;
  for (const ref of references) {
    out += text.slice(from, ref.start);
    from = ref.end;
    if (ref.source === 'env') {
      const value = envValue(ref, lookup.env);
      if (value === undefined) throw new MissingValueError(`${lookup.owner}: environment variable ${ref.name} is not set and \${env:${ref.name}} has no default`);
      if (secretPath || inUrlPassword(text, ref)) lookup.onSecret?.(value);
      out += value;
      continue;
    }
    const value = await lookup.secret(ref.name);
    if (value === undefined) throw new MissingValueError(`${lookup.owner}: secret '${ref.name}' is not set (CLI: set ${secretEnvName(ref.name)}; editor: FlowTracer: Set Secret)`);
    lookup.onSecret?.(value);
    out += value;
  }
  return out + text.slice(from);
}

/** A deep copy of `value` with every reference in every string replaced by its value. */
export async function resolveValues<T>(value: T, lookup: ValueLookup, path: ValuePath = []): Promise<T> {
  if (typeof value === 'string') return (await resolveString(value, lookup, path)) as T;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const [index, item] of value.entries()) out.push(await resolveValues(item, lookup, [...path, index]));
    return out as T;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await resolveValues(v, lookup, [...path, k]);
    return out as T;
  }
  return value;
}
