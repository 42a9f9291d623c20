// Runs the built CLI as a child process for the services tests, and kills it with SIGKILL when the test says so.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const CLI = resolve(__dirname, '../../../dist/executor/cli.js');

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
