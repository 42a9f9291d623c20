// The run-moving CLI commands (run, run --join, retry, resume) over the engine, with exit codes CI can use.
import type { RunMode } from '../protocol/executor-events';
import { UsageError } from './cli-arguments';
import { formatDiagnostic } from '../flow/format-diagnostic';
import { cliSink, outputStyle } from './cli-output';
import { PreflightError } from './component-connectors';
import { createConnector } from './connectors/registry';
import { joinRun, resumeRun, retryRun, startRun, type EngineDeps, type RunResult } from './engine';
import { JournalError } from '../protocol/journal-files';
import { JournalWriteError } from './journal-writer';
import { markInterruptedRuns } from './run-interrupts';
import { UnstoredParkedError } from './run-history';
import { OwnershipLostError, RunBusyError } from './run-ownership';
import { PlanRefused } from './plan';
import { SchemaFileError } from './payload-validation';
import { Redactor } from './redaction';
import { DEFAULT_STOP_GRACE_MS, RunStop } from './run-stop';
import { InvalidRunIdError } from './run-paths';
import type { RunStore } from './run-store';
import { RunStoreAddressError } from './run-stores';
import { AccessRefused, authorizeCli } from './cli-access';
import { environmentSecrets, environmentSecretValues, MissingValueError } from './values';
import { telemetryFromEnv } from './telemetry/telemetry-config';
import type { Telemetry } from './telemetry/hop-telemetry';

/** Exit codes CI can rely on (documented in the help). */
export const ExitCode = { ok: 0, failed: 1, usage: 2, invalidFlow: 3, preflight: 4, missingValue: 5, stopped: 6, notFound: 7, busy: 8, accessDenied: 9 } as const;

export interface CommonFlags {
  readonly json: boolean;
  readonly runsDir: string;
  /** `--runs-store`: a PostgreSQL URL where runs are kept instead of `runsDir`. */
  readonly runsStore?: string;
  /** Where runs are kept, opened once from `runsDir` and `runsStore` (executor/run-stores.ts). */
  readonly store: RunStore;
  readonly maxInFlight?: number;
  /** `--stop-grace`: how long Ctrl-C or SIGTERM waits for the messages in flight (default 5 s). */
  readonly stopGraceMs?: number;
  /** `--github-api-url`: where the access check sends the token (GitHub Enterprise). */
  readonly githubApiUrl?: string;
}

function deps(flags: CommonFlags, stop: RunStop, actor: string, redactor: Redactor, telemetry: Telemetry): EngineDeps {
  const style = outputStyle(flags.json);
  return {
    actor, redactor, telemetry, connectors: createConnector, secrets: environmentSecrets(), emit: cliSink(style), runsDir: flags.runsDir, store: flags.store, signal: stop.signal, stopReading: stop.stopReading,
    // Only --json prints a line per message delivered.
    deliveredEvents: style === 'json',
    ...(flags.maxInFlight ? { maxInFlight: flags.maxInFlight } : {}),
  };
}

function exitFor(result: RunResult): number {
  return result.status === 'succeeded' ? ExitCode.ok : result.status === 'stopped' || result.status === 'interrupted' ? ExitCode.stopped : ExitCode.failed;
}

/**
 * Runs an engine operation with Ctrl-C/SIGTERM wired to Stop (a second one aborts at once), turning
 * known errors into one line and an exit code.
 */
export async function withEngine(flags: CommonFlags, label: string, flowFile: () => Promise<string>, operation: (deps: EngineDeps) => Promise<RunResult>): Promise<number> {
  const runStop = new RunStop(flags.stopGraceMs ?? DEFAULT_STOP_GRACE_MS);
  // One redactor for the whole command: the error line after a failed run masks the secrets the run resolved.
  const redactor = new Redactor(environmentSecretValues());
  const stop = (): void => runStop.request();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // OTEL_TRACES_EXPORTER and friends: off unless set.
  const telemetry = telemetryFromEnv(process.env, (message) => process.stderr.write(`flowtracer: tracing: ${message}\n`));
  try {
    // The gate first: nothing is read, marked or moved for someone the flow does not let in.
    const access = await authorizeCli(await flowFile(), { env: process.env, ...(flags.githubApiUrl ? { githubApiUrl: flags.githubApiUrl } : {}) });
    if (access.because && !flags.json) process.stderr.write(`flowtracer: access: ${access.because}\n`);
    const marked = await markInterruptedRuns(flags.store, runStop.signal);
    for (const id of marked) process.stderr.write(`flowtracer: run ${id} was interrupted (resume it with: flowtracer resume ${id})\n`);
    const result = await operation(deps(flags, runStop, access.actor, redactor, telemetry));
    if (flags.json) process.stdout.write(`${JSON.stringify({ result })}\n`);
    return exitFor(result);
  } catch (error) {
    return reportError(label, error, flags.json, redactor);
  } finally {
    await telemetry.shutdown();
    runStop.dispose();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

/** One line and an exit code for an error; `redactor` is the run's, holding every secret it resolved. */
export function reportError(label: string, error: unknown, json: boolean, redactor: Redactor): number {
  const say = (message: string, code: number, extra: Record<string, unknown> = {}): number => {
    const line = redactor.redact(message);
    if (json) process.stdout.write(`${JSON.stringify({ error: line, exitCode: code, ...extra })}\n`);
    process.stderr.write(`flowtracer ${label}: ${line}\n`);
    return code;
  };
  if (error instanceof PlanRefused) {
    for (const d of error.diagnostics) process.stderr.write(`${formatDiagnostic(label, d)}\n`);
    return say(error.message, ExitCode.invalidFlow, { diagnostics: error.diagnostics });
  }
  if (error instanceof AccessRefused) return say(error.message, ExitCode.accessDenied);
  if (error instanceof UnstoredParkedError) return say(error.message, ExitCode.failed);
  if (error instanceof PreflightError) return say(error.message, ExitCode.preflight, { component: error.component });
  if (error instanceof MissingValueError) return say(error.message, ExitCode.missingValue);
  if (error instanceof RunBusyError) return say(error.message, ExitCode.busy, error.live.owner ? { owner: { host: error.live.owner.host, pid: error.live.owner.pid, since: error.live.owner.since, ...(error.live.owner.worker ? { worker: error.live.owner.worker } : {}) } } : {});
  if (error instanceof OwnershipLostError) return say(error.message, ExitCode.busy);
  if (error instanceof JournalError) return say(error.message, ExitCode.notFound);
  // Before its code: a write error's errno (ENOENT) is not a file the user named.
  if (error instanceof JournalWriteError) return say(error.message, ExitCode.failed);
  if (error instanceof UsageError || error instanceof InvalidRunIdError || error instanceof RunStoreAddressError) return say(error.message, ExitCode.usage);
  if (error instanceof SchemaFileError) return say(error.message, ExitCode.invalidFlow);
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return say(`cannot read ${(error as NodeJS.ErrnoException).path ?? 'the file'}`, ExitCode.usage);
  // Unexpected: one line for the user; the stack only when asked for.
  if (process.env.FLOWTRACER_DEBUG) process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  return say(error instanceof Error ? error.message : String(error), ExitCode.failed);
}

/** The flow file a recorded run uses: the one its access rule is read from. */
async function recordedFlowFile(flags: CommonFlags, runId: string): Promise<string> {
  return (await flags.store.run(runId).readSummary()).flowFile;
}

export function runCommand(file: string, options: { mode?: RunMode; only?: string }, flags: CommonFlags): Promise<number> {
  return withEngine(flags, file, () => Promise.resolve(file), (d) => startRun(file, options, d));
}

export function retryCommand(runId: string, component: string | undefined, flags: CommonFlags): Promise<number> {
  return withEngine(flags, `retry ${runId}`, () => recordedFlowFile(flags, runId), (d) => retryRun(runId, component, d));
}

export function resumeCommand(runId: string, flags: CommonFlags): Promise<number> {
  return withEngine(flags, `resume ${runId}`, () => recordedFlowFile(flags, runId), (d) => resumeRun(runId, d));
}

export function joinCommand(runId: string, file: string | undefined, flags: CommonFlags): Promise<number> {
  return withEngine(flags, `run --join ${runId}`, () => (file ? Promise.resolve(file) : recordedFlowFile(flags, runId)), (d) => joinRun(runId, file ? { flowFile: file } : {}, d));
}
