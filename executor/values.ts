// Resolves `${env:NAME}`, `${env:NAME:-default}` and `${secret:NAME}` in a component's properties.
import { scanValueReferences } from '../flow/value-references';
import type { Redactor } from './redaction';

/** Gives a secret's value: the extension's secret storage over the channel, or the environment for the CLI. */
export type SecretProvider = (name: string, signal: AbortSignal) => Promise<string | undefined>;

/** A reference that has no value; the message is the one line the user sees. */
export class MissingValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingValueError';
  }
}

/** `rabbit-password` -> `FLOWTRACER_SECRET_RABBIT_PASSWORD`. */
export function secretEnvName(name: string): string {
  return `FLOWTRACER_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** The CLI's provider: secrets from `FLOWTRACER_SECRET_<NAME>`. */
export function environmentSecrets(env: NodeJS.ProcessEnv = process.env): SecretProvider {
  return (name) => Promise.resolve(env[secretEnvName(name)]);
}

export interface ValueSources {
  readonly env: NodeJS.ProcessEnv;
  readonly secrets: SecretProvider;
  /** Every secret value resolved is added here, so that it is masked everywhere. */
  readonly redactor: Redactor;
  /** Names the owner in error messages, e.g. `component OrderQueue`. */
  readonly owner: string;
}

async function resolveString(text: string, sources: ValueSources, signal: AbortSignal): Promise<string> {
  const { references, problems } = scanValueReferences(text);
  if (problems[0]) throw new MissingValueError(`${sources.owner}: ${problems[0].message}`);
  let out = '';
  let from = 0;
  for (const ref of references) {
    out += text.slice(from, ref.start);
    from = ref.end;
    if (ref.source === 'env') {
      const value = sources.env[ref.name];
      if (value === undefined || (value === '' && ref.fallback !== undefined)) {
        if (ref.fallback === undefined) throw new MissingValueError(`${sources.owner}: environment variable ${ref.name} is not set and \${env:${ref.name}} has no default`);
        out += ref.fallback;
      } else out += value;
      continue;
    }
    const value = await sources.secrets(ref.name, signal);
    if (value === undefined) throw new MissingValueError(`${sources.owner}: secret '${ref.name}' is not set (CLI: set ${secretEnvName(ref.name)}; editor: FlowTracer: Set Secret)`);
    sources.redactor.addSecret(value);
    out += value;
  }
  return out + text.slice(from);
}

/** A deep copy of `value` with every reference in every string replaced by its value. */
export async function resolveValues<T>(value: T, sources: ValueSources, signal: AbortSignal): Promise<T> {
  if (typeof value === 'string') return (await resolveString(value, sources, signal)) as T;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) out.push(await resolveValues(item, sources, signal));
    return out as T;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await resolveValues(v, sources, signal);
    return out as T;
  }
  return value;
}
