// The executor child process that the extension forks (dist/executor/cli.js --executor-child); speaks the event channel over IPC.
import { DEFAULT_STOP_GRACE_MS, isExecutorCommand, STOP_GRACE_ENV, type ExecutorCommand, type ExecutorEvent } from '../protocol/executor-events';
import { createConnector } from './connectors/registry';
import { isMessageCommand, serveMessageCommand } from './messages/channel-commands';
import { resumeRun, retryRun, startRun, type EngineDeps } from './engine';
import { markInterruptedRuns } from './run-interrupts';
import type { RunStore } from './run-store';
import { openRunStore } from './run-stores';
import { Redactor } from './redaction';
import { RunStop } from './run-stop';
import type { SecretProvider } from './values';
import { telemetryFromEnv } from './telemetry/telemetry-config';
import { listStoreRuns, readStoredRun } from './store-listing';
import { maskUrlPasswords } from '../flow/secret-mask';

/** The `flowtracer.stopGracePeriod` setting, which the extension passes in milliseconds. */
function stopGraceMs(env: NodeJS.ProcessEnv): number {
  const ms = Number(env[STOP_GRACE_ENV]);
  return env[STOP_GRACE_ENV] !== undefined && Number.isFinite(ms) && ms >= 0 ? ms : DEFAULT_STOP_GRACE_MS;
}

const send = (event: ExecutorEvent): void => {
  process.send?.(event);
};

let stop: RunStop | undefined;
let nextSecretRequest = 1;
const pendingSecrets = new Map<number, (value: string | undefined) => void>();

/** Secrets come from the extension's secret storage: asked for over the channel, one request each. */
const extensionSecrets: SecretProvider = (name, signal) =>
  new Promise((resolve, reject) => {
    const requestId = nextSecretRequest++;
    pendingSecrets.set(requestId, resolve);
    signal.addEventListener('abort', () => {
      pendingSecrets.delete(requestId);
      reject(new Error('stopped while waiting for a secret'));
    }, { once: true });
    send({ type: 'secret-request', requestId, name });
  });

/** The Runs view's reads of a run store: one answer event, or one error line (the store's URL masked). */
async function readStore(command: Extract<ExecutorCommand, { type: 'list-runs' | 'read-run' }>): Promise<void> {
  let store: RunStore | undefined;
  try {
    store = await openRunStore({ runsDir: '.flowtracer/runs', runsStore: command.runsStore });
    if (command.type === 'list-runs') send({ type: 'runs-listed', runs: await listStoreRuns(store) });
    else send({ type: 'run-read', runId: command.runId, ...(await readStoredRun(store, command.runId, command.types)) });
  } catch (error) {
    send({ type: 'log', level: 'error', message: maskUrlPasswords(error instanceof Error ? error.message : String(error)) });
  } finally {
    await store?.close().catch(() => undefined);
  }
}

async function execute(command: Exclude<ExecutorCommand, { type: 'stop' | 'secret-value' }>): Promise<void> {
  if (command.type === 'list-runs' || command.type === 'read-run') return readStore(command);
  if (stop) {
    send({ type: 'log', level: 'error', message: 'a run is already in progress in this executor' });
    return;
  }
  if (isMessageCommand(command)) {
    stop = new RunStop(0);
    try {
      return await serveMessageCommand(command, stop, extensionSecrets, send);
    } finally {
      stop.dispose();
      stop = undefined;
    }
  }
  stop = new RunStop(stopGraceMs(process.env));
  const runsDir = command.type === 'run' ? (command.options.runsDir ?? '.flowtracer/runs') : (command.runsDir ?? '.flowtracer/runs');
  const runsStore = command.type === 'run' ? command.options.runsStore : command.runsStore;
  const actor = command.type === 'run' ? command.options.actor : command.actor;
  // The `flowtracer.messagesInFlight` setting, which the extension passes in the environment.
  const maxInFlight = Number(process.env.FLOWTRACER_MAX_IN_FLIGHT);
  // The `flowtracer.tracing.*` settings, which the extension passes as the standard OTEL_* variables.
  const telemetry = telemetryFromEnv(process.env, (message) => send({ type: 'log', level: 'warn', message: `tracing: ${message}` }));
  // The run's redactor: the error line of a command that fails masks the secrets its run resolved.
  const redactor = new Redactor();
  let store: RunStore | undefined;
  try {
    // Chosen once for the run: the folder, or the `flowtracer.runsStore` database.
    store = await openRunStore({ runsDir, ...(runsStore ? { runsStore } : {}) });
    const deps: EngineDeps = {
      telemetry, redactor, connectors: createConnector, secrets: extensionSecrets, emit: send, runsDir, store, signal: stop.signal, stopReading: stop.stopReading, ...(actor ? { actor } : {}),
      ...(Number.isInteger(maxInFlight) && maxInFlight > 0 ? { maxInFlight } : {}),
    };
    await markInterruptedRuns(store, stop.signal);
    if (command.type === 'run') await startRun(command.flowFile, { ...(command.options.mode ? { mode: command.options.mode } : {}), ...(command.options.only ? { only: command.options.only } : {}) }, deps);
    else if (command.type === 'retry') await retryRun(command.runId, command.component, deps);
    else await resumeRun(command.runId, deps);
  } catch (error) {
    // Failures before the run starts (invalid flow, pre-flight, missing secret) arrive as one error line.
    send({ type: 'log', level: 'error', message: redactor.redact(error instanceof Error ? error.message : String(error)) });
  } finally {
    await telemetry.shutdown();
    await store?.close().catch(() => undefined);
    stop.dispose();
    stop = undefined;
  }
}

/** Serves the extension's commands over the IPC channel until the parent disconnects. */
export function serveExecutorChild(): void {
  process.on('message', onMessage);
}

function onMessage(message: unknown): void {
  if (!isExecutorCommand(message)) return;
  switch (message.type) {
    case 'stop':
      // The first Stop lets what is in flight be confirmed for the grace period; a second one aborts.
      stop?.request();
      return;
    case 'secret-value':
      pendingSecrets.get(message.requestId)?.(message.value);
      pendingSecrets.delete(message.requestId);
      return;
    default:
      void execute(message);
  }
}
