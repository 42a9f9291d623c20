// Runs one CLI command as a child process and measures it from outside: exit, wall time, peak RSS (VmHWM), CPU, stdout.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { cpuSeconds, highWaterMb } from '../replay/executor-run';

export interface CliFigures {
  readonly exit: number | string;
  readonly seconds: number;
  readonly peakRssMb: number;
  readonly cpuSeconds: number;
  readonly stdout: string;
  /** The last lines of stderr (an out-of-memory crash says so there). */
  readonly stderrTail: string;
}

/** A command still running after `timeoutSeconds` is killed (an earlier build thrashing near its heap limit). */
export async function measuredCli(cli: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutSeconds: number): Promise<CliFigures> {
  const started = performance.now();
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  let peak = 0;
  let cpu = 0;
  const poll = setInterval(() => {
    peak = Math.max(peak, highWaterMb(child.pid!) ?? 0);
    cpu = Math.max(cpu, cpuSeconds(child.pid!) ?? 0);
  }, 50);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutSeconds * 1000);
  const exit = await new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(timedOut ? `killed after ${timeoutSeconds} s` : (signal ?? code ?? -1))));
  clearTimeout(timer);
  clearInterval(poll);
  const stderrTail = stderr.trim().split('\n').slice(-3).join(' | ');
  return { exit, seconds: (performance.now() - started) / 1000, peakRssMb: peak, cpuSeconds: cpu, stdout, stderrTail };
}
