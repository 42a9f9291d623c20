// The flowtracer CLI as a child process for the services tests: its exit, its stderr, a SIGKILL on demand.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const CLI = resolve(__dirname, '../../../dist/executor/cli.js');

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
export function runCli(args: readonly string[], killWhen?: () => Promise<boolean>): Promise<CliExit> {
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
