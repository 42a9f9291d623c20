// Entry of the executor child process that the extension spawns; speaks the event channel over IPC.
import { isExecutorCommand, type ExecutorCommand, type ExecutorEvent } from '../protocol/executor-events';
import { createConnector } from './connectors/registry';
import { resumeRun, retryRun, startRun, type EngineDeps } from './engine';
import { markInterruptedRuns } from './run-interrupts';
import { Redactor } from './redaction';
import type { SecretProvider } from './values';

const send = (event: ExecutorEvent): void => {
  process.send?.(event);
};

let controller: AbortController | undefined;
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

async function execute(command: Exclude<ExecutorCommand, { type: 'stop' | 'secret-value' }>): Promise<void> {
  if (controller) {
    send({ type: 'log', level: 'error', message: 'a run is already in progress in this executor' });
    return;
  }
  controller = new AbortController();
  const runsDir = command.type === 'run' ? (command.options.runsDir ?? '.flowtracer/runs') : (command.runsDir ?? '.flowtracer/runs');
  const actor = command.type === 'run' ? command.options.actor : command.actor;
  const deps: EngineDeps = { connectors: createConnector, secrets: extensionSecrets, emit: send, runsDir, signal: controller.signal, ...(actor ? { actor } : {}) };
  try {
    await markInterruptedRuns(runsDir, controller.signal);
    if (command.type === 'run') await startRun(command.flowFile, { ...(command.options.mode ? { mode: command.options.mode } : {}), ...(command.options.only ? { only: command.options.only } : {}) }, deps);
    else if (command.type === 'retry') await retryRun(command.runId, command.component, deps);
    else await resumeRun(command.runId, deps);
  } catch (error) {
    // Failures before the run starts (invalid flow, pre-flight, missing secret) arrive as one error line.
    send({ type: 'log', level: 'error', message: new Redactor().redact(error instanceof Error ? error.message : String(error)) });
  } finally {
    controller = undefined;
  }
}

process.on('message', (message: unknown) => {
  if (!isExecutorCommand(message)) return;
  switch (message.type) {
    case 'stop':
      controller?.abort();
      return;
    case 'secret-value':
      pendingSecrets.get(message.requestId)?.(message.value);
      pendingSecrets.delete(message.requestId);
      return;
    default:
      void execute(message);
  }
});
