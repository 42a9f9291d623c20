// The executor child process that the extension forks (dist/executor/cli.js --executor-child); speaks the event channel over IPC.
import { DEFAULT_STOP_GRACE_MS, isExecutorCommand, STOP_GRACE_ENV, type ExecutorCommand, type ExecutorEvent } from '../protocol/executor-events';
import { createConnector } from './connectors/registry';
import { browseOptionsOf, browsePages } from './messages/browse-pages';
import { sendThroughChannel } from './messages/send-channel';
import type { DeadLetterGroup } from './messages/dead-letters';
import { exportToFile } from './messages/export-file';
import { groupViews, surveyRedrive, writeRedriveFlows } from './messages/redrive-survey';
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

/** How often an export reports how far it got. */
const EXPORT_PROGRESS_EVERY = 500;

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

/** A browse changes nothing at the source; a Stop ends it at once (a RabbitMQ browse then gives its messages back). */
async function browse(command: Extract<ExecutorCommand, { type: 'browse' }>): Promise<void> {
  stop = new RunStop(0);
  try {
    await browsePages(command.flowFile, command.component, command.request, extensionSecrets, AbortSignal.any([stop.signal, stop.stopReading]), send);
  } finally {
    stop.dispose();
    stop = undefined;
  }
}

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

/** A send writes through the component's own writer; a Stop ends it once what is in flight is confirmed. */
async function sendMessagesCommand(command: Extract<ExecutorCommand, { type: 'send' }>): Promise<void> {
  stop = new RunStop(0);
  try {
    await sendThroughChannel(command.flowFile, command.component, command.messages, extensionSecrets, stop.stopReading, send);
  } finally {
    stop.dispose();
    stop = undefined;
  }
}

/** Export Messages…: the browse written to a file, a progress event every thousand messages. */
async function exportCommand(command: Extract<ExecutorCommand, { type: 'export' }>): Promise<void> {
  stop = new RunStop(0);
  let note: string | undefined;
  let written = 0;
  try {
    const request = { options: browseOptionsOf(command.request), search: command.request.search ?? {}, secrets: extensionSecrets };
    written = await exportToFile(command.flowFile, command.component, request, command.file, AbortSignal.any([stop.signal, stop.stopReading]), (said) => (note = said), (n) => {
      written = n;
      if (n % EXPORT_PROGRESS_EVERY === 0) send({ type: 'export-progress', component: command.component, written: n });
    });
    send({ type: 'export-finished', component: command.component, written, file: command.file, ...(note ? { note } : {}) });
  } catch (error) {
    send({ type: 'export-finished', component: command.component, written, file: command.file, ...(note ? { note } : {}), error: new Redactor().redact(error instanceof Error ? error.message : String(error)) });
  } finally {
    stop.dispose();
    stop = undefined;
  }
}

/** Redrive…'s read (and, with `write`, its flows): the survey the CLI's `redrive` makes, as one `redrive-planned` event. */
async function redrivePlan(command: Extract<ExecutorCommand, { type: 'redrive-plan' }>): Promise<void> {
  stop = new RunStop(0);
  let note: string | undefined;
  try {
    const picks = command.picks;
    const picked = picks ? (g: DeadLetterGroup): boolean => picks.some((p) => p.origin === g.originId && p.reason === g.reason) : undefined;
    const request = { maxRedrives: command.maxRedrives, secrets: extensionSecrets, ...(command.to !== undefined ? { to: command.to } : {}), ...(picked ? { picked } : {}) };
    const survey = await surveyRedrive(command.flowFile, command.component, request, AbortSignal.any([stop.signal, stop.stopReading]), (said) => (note = said));
    const flows = command.write ? writeRedriveFlows(survey, command.write.folder, { maxRedrives: command.maxRedrives, keepHeaders: command.write.keepHeaders }) : undefined;
    send({ type: 'redrive-planned', component: command.component, groups: groupViews(survey), notDeadLetters: survey.notDeadLetters, ...(flows ? { flows } : {}), ...(note ? { note } : {}) });
  } catch (error) {
    send({ type: 'redrive-planned', component: command.component, groups: [], notDeadLetters: 0, ...(note ? { note } : {}), error: new Redactor().redact(error instanceof Error ? error.message : String(error)) });
  } finally {
    stop.dispose();
    stop = undefined;
  }
}

async function execute(command: Exclude<ExecutorCommand, { type: 'stop' | 'secret-value' }>): Promise<void> {
  if (command.type === 'list-runs' || command.type === 'read-run') return readStore(command);
  if (stop) {
    send({ type: 'log', level: 'error', message: 'a run is already in progress in this executor' });
    return;
  }
  if (command.type === 'browse') return browse(command);
  if (command.type === 'send') return sendMessagesCommand(command);
  if (command.type === 'redrive-plan') return redrivePlan(command);
  if (command.type === 'export') return exportCommand(command);
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
