// Runs the built `flowtracer` CLI (dist/executor/cli.js) as a child process, as a user or CI would: its exit code and output, or a SIGKILL when the test says so.
import { execFile, spawn } from 'node:child_process';
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

/**
 * Runs the CLI; kills it with SIGKILL once `killWhen` says so (polled every 20 ms) unless it ends
 * first. Resolves its exit code or signal.
 */
export function cli(args: string[], killWhen?: () => Promise<boolean>): Promise<number | NodeJS.Signals> {
  return new Promise((resolveExit) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'inherit'], env: process.env });
    let exited = false;
    const poll = async (): Promise<void> => {
      while (!exited && killWhen) {
        if (await killWhen().catch(() => false)) {
          child.kill('SIGKILL');
          return;
        }
        await new Promise((wait) => setTimeout(wait, 20));
      }
    };
    child.once('exit', (code, signal) => {
      exited = true;
      resolveExit(signal ?? code ?? -1);
    });
    void poll();
  });
}
