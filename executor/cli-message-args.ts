// What the message commands share (they are entries of the CLI's one table): their options, value checks, the access gate first, Ctrl-C, errors as exit codes.
import { resolve } from 'node:path';
import { authorizeCli } from './cli-access';
import { optionText, UsageError, type CliOptions, type CommandInput } from './cli-arguments';
import { COMMON, GITHUB_API_URL } from './cli-options';
import { reportError } from './cli-commands';
import { Redactor } from './redaction';
import { environmentSecretValues } from './values';
import { MessageTargetError } from './messages/component-messages';
import { MessageLineError } from './messages/message-lines';
import type { MessageSearch } from './messages/message-search';

/** A line for the user on stderr, as `flowtracer: …`. */
export function say(text: string): void {
  process.stderr.write(`flowtracer: ${text}\n`);
}

/** Which messages a browse, an export or a redrive takes (the Messages panel's search). */
export const SEARCH: CliOptions = {
  grep: { type: 'string', value: 'TEXT', help: 'only messages whose payload, key or headers hold TEXT' },
  key: { type: 'string', value: 'KEY', help: 'only messages with this key' },
  header: { type: 'string', value: 'NAME[=VALUE]', help: 'only messages with this header (and value)' },
};

/** The search the SEARCH options say. */
export function searchOf(input: CommandInput): MessageSearch {
  const [grep, key, header] = ['grep', 'key', 'header'].map((name) => optionText(input, name));
  return { ...(grep !== undefined ? { text: grep } : {}), ...(key !== undefined ? { key } : {}), ...(header !== undefined ? { header } : {}) };
}

/** The options of browse, send and export-messages: the common ones and where the access check asks GitHub. */
export const MESSAGE_OPTIONS: CliOptions = { ...COMMON, ...GITHUB_API_URL };

export function wholeNumber(value: string | undefined, what: string, min = 1): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`${what} must be a whole number, ${min} or more`);
  return n;
}

export function partitionsOf(value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  const list = value.split(',').map((p) => Number(p.trim()));
  if (list.some((p) => !Number.isSafeInteger(p) || p < 0)) throw new UsageError('--partitions is a comma-separated list of partition numbers');
  return list;
}

/** Ctrl-C or SIGTERM aborts the command (a browse then gives its messages back). */
function interruptible(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  process.on('SIGINT', abort);
  process.on('SIGTERM', abort);
  return { signal: controller.signal, dispose: () => (process.off('SIGINT', abort), process.off('SIGTERM', abort)) };
}

/** Runs a message command: access first (browsing payloads is access too), known errors as one line and an exit code. */
export async function guarded(command: string, file: string, json: boolean, githubApiUrl: string | undefined, body: (signal: AbortSignal) => Promise<number>): Promise<number> {
  const stop = interruptible();
  try {
    const access = await authorizeCli(resolve(file), { env: process.env, ...(githubApiUrl ? { githubApiUrl } : {}) });
    if (access.because && !json) process.stderr.write(`flowtracer: access: ${access.because}\n`);
    return await body(stop.signal);
  } catch (error) {
    if (error instanceof MessageLineError || error instanceof MessageTargetError) return reportError(command, new UsageError(error.message), json, new Redactor(environmentSecretValues()));
    return reportError(command, error, json, new Redactor(environmentSecretValues()));
  } finally {
    stop.dispose();
  }
}
