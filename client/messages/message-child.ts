// A message command (send, export, a redrive's plan) in an executor child of its own, under a cancellable progress notification.
import * as vscode from 'vscode';
import type { ExecutorCommand, ExecutorEvent } from '../../protocol/executor-events';
import { ExecutorCrashError, ExecutorProcess } from '../executor/executor-process';
import type { FlowLog } from '../log/flow-log';
import type { AdmittedFlow } from '../runs/run-controller';

export interface ChildOutcome {
  /** Cancelled from the notification (the child was asked to stop). */
  readonly stopped: boolean;
}

/**
 * Runs `command` in a child started as `admitted` says; `onEvent` sees its events (its log lines go to the log). Undefined
 * when the child failed to start or crashed: the user was told, `failed` naming what did not happen.
 */
export async function withMessageChild(
  admitted: AdmittedFlow,
  log: FlowLog,
  command: ExecutorCommand,
  title: string,
  failed: string,
  onEvent: (event: ExecutorEvent, progress: vscode.Progress<{ message?: string; increment?: number }>) => void,
): Promise<ChildOutcome | undefined> {
  const child = new ExecutorProcess(admitted.executorPath, admitted.folder, admitted.env, admitted.stopGraceMs);
  let stopped = false;
  try {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
      token.onCancellationRequested(() => {
        stopped = true;
        child.stop();
      });
      return child.execute(command, {
        secret: admitted.secret,
        onEvent: (event) => {
          if (event.type === 'log') log.write({ level: event.level, text: event.message });
          else onEvent(event, progress);
        },
      });
    });
  } catch (error) {
    const message = error instanceof ExecutorCrashError ? error.message : (error as Error).message;
    log.error(message, error);
    void vscode.window.showErrorMessage(`${failed}: ${message}`);
    return undefined;
  }
  return { stopped };
}
