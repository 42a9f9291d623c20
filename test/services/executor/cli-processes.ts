// The built CLI as separate processes for services tests (shared runs), and polling for the state they leave behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const CLI = resolve(__dirname, '../../../dist/executor/cli.js');

export interface CliProcess {
  readonly child: ChildProcess;
  /** Its exit code, or the signal that ended it; its stderr is printed when it fails. */
  readonly exit: Promise<number | NodeJS.Signals>;
}

/** Starts processes and kills, in the suite's `after`, those still running. */
export class CliProcesses {
  private readonly started: ChildProcess[] = [];

  start(args: string[]): CliProcess {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: process.env });
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
