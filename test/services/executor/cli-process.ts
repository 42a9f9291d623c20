// Runs the built `flowtracer` CLI (dist/executor/cli.js) as child processes, as a user or CI would: exit codes and output, SIGKILL when the test says so, polling for what they leave behind.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

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

export interface CliExit {
  /** The exit code, or the signal that ended it. */
  readonly outcome: number | NodeJS.Signals;
  readonly pid: number;
  readonly stderr: string;
}

/**
 * Runs the CLI; kills it with SIGKILL once `killWhen` says so (polled every 20 ms) unless it ends
 * first. Its stderr is passed through and kept.
 */
export function cliExit(args: readonly string[], killWhen?: () => Promise<boolean>): Promise<CliExit> {
  return new Promise((resolveExit) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: process.env });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      process.stderr.write(chunk);
    });
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
    child.once('close', (code, signal) => {
      exited = true;
      resolveExit({ outcome: signal ?? code ?? -1, pid: child.pid!, stderr });
    });
    void poll();
  });
}

/** `cliExit`'s exit code or signal alone. */
export async function cli(args: string[], killWhen?: () => Promise<boolean>): Promise<number | NodeJS.Signals> {
  return (await cliExit(args, killWhen)).outcome;
}

export interface CliProcess {
  readonly child: ChildProcess;
  /** Its exit code, or the signal that ended it; its stderr is printed when it fails. */
  readonly exit: Promise<number | NodeJS.Signals>;
}

/** Starts processes and kills, in the suite's `after`, those still running. */
export class CliProcesses {
  private readonly started: ChildProcess[] = [];

  /** `wrap` turns the command line into another one that runs it (in another namespace). */
  start(args: string[], wrap: (argv: string[]) => string[] = (argv) => argv): CliProcess {
    const [command, ...rest] = wrap([process.execPath, CLI, ...args]);
    const child = spawn(command!, rest, { stdio: ['ignore', 'ignore', 'pipe'], env: process.env });
    this.started.push(child);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exit = new Promise<number | NodeJS.Signals>((resolveExit) => {
      child.once('exit', (code, signal) => {
        if (code !== 0 && signal === null) process.stderr.write(stderr);
        resolveExit(signal ?? code ?? -1);
      });
    });
    return { child, exit };
  }

  killRunning(): void {
    for (const child of this.started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** Polls `probe` every 50 ms until it returns a value; fails naming `what` after the timeout. */
export async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
