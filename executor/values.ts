// Resolves `${env:NAME}`, `${env:NAME:-default}` and `${secret:NAME}` in a component's properties (flow/resolve-values.ts' rule), masking every secret used.
import { resolveValues as resolveWith, secretEnvName, type ValuePath } from '../flow/resolve-values';
import type { Redactor } from './redaction';

export { MissingValueError, secretEnvName } from '../flow/resolve-values';

/** Gives a secret's value: the extension's secret storage over the channel, or the environment for the CLI. */
export type SecretProvider = (name: string, signal: AbortSignal) => Promise<string | undefined>;

/** The CLI's provider: secrets from `FLOWTRACER_SECRET_<NAME>`. */
export function environmentSecrets(env: NodeJS.ProcessEnv = process.env): SecretProvider {
  return (name) => Promise.resolve(env[secretEnvName(name)]);
}

/** Every CLI secret set in the environment (`FLOWTRACER_SECRET_*`): masked in the CLI's output whether or not the flow uses it. */
export function environmentSecretValues(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.entries(env).filter(([name, value]) => name.startsWith('FLOWTRACER_SECRET_') && !!value).map(([, value]) => value!);
}

export interface ValueSources {
  readonly env: NodeJS.ProcessEnv;
  readonly secrets: SecretProvider;
  /** Every secret value resolved is added here, so that it is masked everywhere. */
  readonly redactor: Redactor;
  /** Names the owner in error messages, e.g. `component OrderQueue`. */
  readonly owner: string;
  /** Whether the env values at a path are secrets (default: under a credential key; flow/resolve-values.ts' componentSecretRule for a component). */
  readonly isSecret?: (path: ValuePath) => boolean;
}

/** A deep copy of `value` with every reference in every string replaced by its value. */
export function resolveValues<T>(value: T, sources: ValueSources, signal: AbortSignal): Promise<T> {
  return resolveWith(value, {
    env: sources.env,
    owner: sources.owner,
    secret: (name) => sources.secrets(name, signal),
    onSecret: (secret) => sources.redactor.addSecret(secret),
    ...(sources.isSecret ? { isSecret: sources.isSecret } : {}),
  });
}
