// The executor child process (dist/executor/cli.js --executor-child over IPC): one command per process, its events, its exit.
import { fork, type ChildProcess } from 'node:child_process';
import { Redactor } from '../../flow/redactor';
import { DEFAULT_STOP_GRACE_MS, EXECUTOR_CHILD_ARG, STOP_GRACE_ENV, type ExecutorCommand, type ExecutorEvent, type RunStatus } from '../../protocol/executor-events';

/** The child ended without finishing its run: a crash, a kill, or a worker that could not start. Its stderr comes with every secret handed to the child masked. */
export class ExecutorCrashError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'ExecutorCrashError';
  }
}

/** The child answered a read (`list-runs`, `read-run`) with an error line: the store cannot be reached or has no such run. */
export class ExecutorQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExecutorQueryError';
  }
}

export interface ExecutorHandlers {
  onEvent(event: ExecutorEvent): void;
  /** A `${secret:NAME}` value, read from the editor's secret storage. */
  secret(name: string): Promise<string | undefined>;
}

export interface ExecutorOutcome {
  readonly runId: string | undefined;
  readonly status: RunStatus;
  readonly error: string | undefined;
}

const STDERR_LIMIT = 8000;
/** How long a stopped child gets to write its journal, after its stop grace, before it is killed. */
const STOP_GRACE_MS = 10_000;
/** How long a finished worker gets to close its connections before it is killed. */
const EXIT_GRACE_MS = 3_000;

export class ExecutorProcess {
  private child: ChildProcess | undefined;
  private stopTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly executorPath: string,
    private readonly cwd: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
    /** How long a Stop lets the run confirm what is in flight (the `flowtracer.stopGracePeriod` setting). */
    private readonly stopGraceMs: number = DEFAULT_STOP_GRACE_MS,
  ) {}

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Starts the child with `command`; resolves once it reported `run-finished` (a browse, a send: `browse-finished`, `send-finished`), rejects on a crash. */
  execute(command: ExecutorCommand, handlers: ExecutorHandlers): Promise<ExecutorOutcome> {
    return this.exchange(command, handlers, (event, runId) => {
      if (event.type === 'run-finished') return { runId: event.runId, status: event.status, error: event.error };
      // A browse, a send, an export or a redrive's plan is no run: its end is its last event.
      if (event.type === 'browse-finished' || event.type === 'send-finished' || event.type === 'export-finished' || event.type === 'redrive-planned') return { runId: undefined, status: event.error || (event.type === 'send-finished' && event.problems) ? 'failed' : 'succeeded', error: event.error };
      // The worker reports a command that fails before its run starts (invalid flow, pre-flight, missing secret) as one error line.
      if (event.type === 'log' && event.level === 'error' && runId === undefined) return { runId: undefined, status: 'failed', error: event.message };
      return undefined;
    });
  }

  /**
   * Starts the child with a command that has one answer (`list-runs`, `read-run`): resolves with what `answer` makes of
   * the event that answers it; rejects with an ExecutorQueryError when the child reports an error line instead, or on a crash.
   */
  ask<T>(command: ExecutorCommand, answer: (event: ExecutorEvent) => T | undefined): Promise<T> {
    const noSecrets: ExecutorHandlers = { onEvent: () => undefined, secret: () => Promise.resolve(undefined) };
    return this.exchange<T | ExecutorQueryError>(command, noSecrets, (event) => (event.type === 'log' && event.level === 'error' ? new ExecutorQueryError(event.message) : answer(event))).then((result) => {
      if (result instanceof ExecutorQueryError) throw result;
      return result;
    });
  }

  /** Forks the child, sends `command`, and settles with the first event `ends` makes something of. */
  private exchange<T>(command: ExecutorCommand, handlers: ExecutorHandlers, ends: (event: ExecutorEvent, runId: string | undefined) => T | undefined): Promise<T> {
    if (this.child) return Promise.reject(new Error('A run is already going on; stop it first.'));
    return new Promise<T>((resolve, reject) => {
      const child = fork(this.executorPath, [EXECUTOR_CHILD_ARG], { cwd: this.cwd, env: { ...this.env, [STOP_GRACE_ENV]: String(this.stopGraceMs) }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'json' });
      this.child = child;
      let raw = '';
      let runId: string | undefined;
      // Every secret handed to the child: a crash's stderr (a stack, a driver's message) may repeat one.
      const redactor = new Redactor();
      // Twice the limit is kept raw, then masked, then cut: a secret cut by the raw tail's start falls outside what is shown.
      const keep = (chunk: Buffer): void => {
        raw = (raw + chunk.toString('utf8')).slice(-2 * STDERR_LIMIT);
      };
      const stderr = (): string => redactor.redact(raw).slice(-STDERR_LIMIT);
      child.stderr?.on('data', keep);
      child.stdout?.on('data', () => undefined);
      let settled = false;
      /** The worker outlives its command; once the outcome is known the channel is closed so it exits. */
      const settle = (outcome: T): void => {
        if (settled) return;
        settled = true;
        this.clear();
        resolve(outcome);
        if (child.connected) child.disconnect();
        const killer = setTimeout(() => child.kill('SIGKILL'), EXIT_GRACE_MS);
        child.once('exit', () => clearTimeout(killer));
      };
      child.on('message', (message: unknown) => {
        const event = message as ExecutorEvent;
        if (!event || typeof event.type !== 'string') return;
        if (event.type === 'run-started') runId = event.runId;
        if (event.type === 'secret-request') {
          handlers.secret(event.name).then(
            (value) => {
              if (value !== undefined) redactor.addSecret(value);
              this.send({ type: 'secret-value', requestId: event.requestId, value });
            },
            () => this.send({ type: 'secret-value', requestId: event.requestId, value: undefined }),
          );
          return;
        }
        try {
          handlers.onEvent(event);
        } catch {
          // A broken view must not end the run.
        }
        const outcome = ends(event, runId);
        if (outcome !== undefined) settle(outcome);
      });
      child.on('error', (error) => {
        this.clear();
        if (!settled) reject(new ExecutorCrashError(redactor.redact(`The executor could not start: ${error.message}.`), stderr()));
        settled = true;
      });
      child.on('exit', (code, signal) => {
        if (settled) return;
        this.clear();
        settled = true;
        const shown = stderr();
        const cause = lastLine(shown) ?? (signal ? `killed by ${signal}` : `exit code ${code ?? 'unknown'}`);
        reject(new ExecutorCrashError(`The executor stopped unexpectedly${runId ? ` during run ${runId}` : ''}: ${cause}.`, shown));
      });
      this.send(command);
    });
  }

  /**
   * Asks the child to stop cleanly: it stops reading and confirms what is in flight for the stop
   * grace, then journals the end; asked again, it aborts at once. Killed if it has not exited by then.
   */
  stop(): void {
    const child = this.child;
    if (!child) return;
    this.send({ type: 'stop' });
    this.stopTimer ??= setTimeout(() => child.kill('SIGKILL'), this.stopGraceMs + STOP_GRACE_MS);
  }

  dispose(): void {
    this.child?.kill('SIGKILL');
    this.clear();
  }

  private send(command: ExecutorCommand): void {
    if (this.child?.connected) this.child.send(command);
  }

  private clear(): void {
    if (this.stopTimer) clearTimeout(this.stopTimer);
    this.stopTimer = undefined;
    this.child = undefined;
  }
}

function lastLine(text: string): string | undefined {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const error = [...lines].reverse().find((l) => /Error\b/.test(l));
  return (error ?? lines[lines.length - 1])?.replace(/\.$/, '');
}
