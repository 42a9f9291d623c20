// The options the CLI's commands share (the table's entries take them), what they mean as flags, and the run store opened from them.
import { resolve } from 'node:path';
import { durationProblem, parseDuration } from '../flow/durations';
import { optionText, type CliOptions, type CommandInput } from './cli-arguments';
import type { CommonFlags } from './cli-commands';
import { openRunStore } from './run-stores';

/** The options every command takes. */
export const COMMON: CliOptions = {
  json: { type: 'boolean', help: 'machine-readable output on stdout' },
  'runs-dir': { type: 'string', value: 'DIR', help: 'where runs live (default .flowtracer/runs)' },
  'runs-store': {
    type: 'string', value: 'URL',
    help: 'keep runs in PostgreSQL instead (postgres://USER@HOST/DB[?schema=NAME]; or\nFLOWTRACER_RUNS_STORE): processes on several machines share a run through it',
  },
};

/** Where the access check sends the token: every command that reads or moves messages takes it. */
export const GITHUB_API_URL: CliOptions = {
  'github-api-url': {
    type: 'string', value: 'URL',
    help: 'the GitHub API that checks a flow\'s access: rule (default\nhttps://api.github.com, or FLOWTRACER_GITHUB_API_URL; GitHub Enterprise:\nhttps://HOST/api/v3); the token is sent there and nowhere else',
  },
};

export const STOP_GRACE: CliOptions = {
  'stop-grace': {
    type: 'string', value: 'DURATION', check: (v) => (parseDuration(v) === undefined ? durationProblem(v) : undefined),
    help: 'on Ctrl-C or SIGTERM, stop reading at once and wait this long (default 5s;\n0s: none) for the messages in flight to be confirmed and committed; a second\nCtrl-C aborts at once',
  },
};

/** The options of the commands that move messages (run, retry, resume). */
export const MOVING_ONLY: CliOptions = {
  'max-in-flight': { type: 'string', value: 'N', check: (v) => (/^[1-9][0-9]*$/.test(v) ? undefined : 'must be a positive whole number'), help: 'how many messages of distinct keys are written to a target at once' },
  ...STOP_GRACE,
  ...GITHUB_API_URL,
};

export const MOVING: CliOptions = { ...COMMON, ...MOVING_ONLY };

/** The flags of a command, but the run store (opened by `withStore`). */
export function flags(input: CommandInput): Omit<CommonFlags, 'store'> {
  const maxInFlight = optionText(input, 'max-in-flight');
  const stopGraceMs = parseDuration(optionText(input, 'stop-grace'));
  const githubApiUrl = optionText(input, 'github-api-url');
  const runsStore = optionText(input, 'runs-store') ?? process.env.FLOWTRACER_RUNS_STORE;
  return {
    json: input.options.json === true,
    runsDir: resolve(optionText(input, 'runs-dir') ?? '.flowtracer/runs'),
    ...(runsStore ? { runsStore } : {}),
    ...(maxInFlight ? { maxInFlight: Number(maxInFlight) } : {}),
    ...(stopGraceMs !== undefined ? { stopGraceMs } : {}),
    ...(githubApiUrl !== undefined ? { githubApiUrl } : {}),
  };
}

/** Runs a command that reads or writes runs with the store chosen once (the runs folder, or PostgreSQL), closed after. */
export async function withStore(input: CommandInput, use: (flags: CommonFlags) => Promise<number>): Promise<number> {
  const chosen = flags(input);
  const store = await openRunStore(chosen);
  try {
    return await use({ ...chosen, store });
  } finally {
    await store.close().catch(() => undefined);
  }
}
