// What a run, retry or resume is started with, decided before the executor starts: its command, log header, connections and env (pure).
import * as path from 'node:path';
import { describeActor, formatActor, type Actor } from '../../flow/actor';
import type { FlowModel } from '../../flow/model';
import type { ExecutorCommand } from '../../protocol/executor-events';
import type { WrittenConnection } from './live-run-status';
import type { RunHeader } from './run-log-lines';
import { tracingEnv, type TracingSettings } from './tracing-settings';

export interface RunPlan {
  /** The request's command with the actor and where runs are kept. */
  readonly command: ExecutorCommand;
  readonly header: RunHeader;
  /** The flow's connections as written when the run started. */
  readonly connections: readonly WrittenConnection[];
}

export interface RunPlanInputs {
  readonly command: ExecutorCommand;
  /** The request's title (`Run`, `Retry`…) and mode, for the log header. */
  readonly title: string;
  readonly mode: string;
  readonly flowPath: string;
  readonly model: FlowModel;
  readonly actor: Actor;
  /** The runs folder for this flow (the `flowtracer.runsFolder` setting), if any. */
  readonly runsDir: string | undefined;
  /** The `flowtracer.runsStore` setting; empty when unset. */
  readonly runsStore: string;
}

export function planRun(inputs: RunPlanInputs): RunPlan {
  const { model, actor } = inputs;
  return {
    command: withActor(inputs.command, formatActor(actor), inputs.runsDir, inputs.runsStore),
    header: { flow: model.id ?? path.basename(inputs.flowPath), mode: inputs.mode, actor: describeActor(actor), command: inputs.title },
    connections: model.connections.map((c) => ({ index: c.index, from: c.from, to: c.to })),
  };
}

/** The settings the executor child reads from its environment. */
export interface ExecutorEnvSettings {
  readonly messagesInFlight: number;
  readonly maxResponseBytes: number;
  readonly tracing: TracingSettings;
}

/** The child's env: the extension host's, with the settings it reads. The hosts a run touches are resolved against it too. */
export function executorEnv(base: NodeJS.ProcessEnv, settings: ExecutorEnvSettings): NodeJS.ProcessEnv {
  return {
    ...base,
    FLOWTRACER_MAX_IN_FLIGHT: String(settings.messagesInFlight),
    FLOWTRACER_HTTP_MAX_RESPONSE_BYTES: String(settings.maxResponseBytes),
    ...tracingEnv(settings.tracing),
  };
}

function withActor(command: ExecutorCommand, actor: string, runsDir: string | undefined, runsStore: string): ExecutorCommand {
  const dir = { ...(runsDir ? { runsDir } : {}), ...(runsStore ? { runsStore } : {}) };
  switch (command.type) {
    case 'run':
      return { ...command, options: { ...command.options, ...dir, actor } };
    case 'retry':
    case 'resume':
      return { ...command, ...dir, actor };
    default:
      return command;
  }
}
