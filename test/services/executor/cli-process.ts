// Runs the built `flowtracer` CLI (dist/executor/cli.js) as a child process, as a user or CI would: its exit code and what it printed.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

export const CLI = resolve(__dirname, '../../../dist/executor/cli.js');

export interface CliOutcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<CliOutcome> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { env, maxBuffer: 64 * 1024 * 1024, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

/** The last JSON line a `--json` command printed (`run`/`retry`: `{ result }`; `show`: the run's details). */
export function lastJson<T>(outcome: CliOutcome): T {
  const lines = outcome.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as T;
}
