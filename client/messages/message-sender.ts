// Sends messages to a component through an executor child of its own, after the run's gates, with a cancellable progress notification.
import * as vscode from 'vscode';
import type { ExecutorEvent, SendSource } from '../../protocol/executor-events';
import type { FlowLog } from '../log/flow-log';
import type { RunController } from '../runs/run-controller';
import { withMessageChild } from './message-child';

/** How a send ended, as the executor reported it (`stopped`: cancelled from the notification). */
export interface SendResult {
  readonly sent: number;
  readonly of: number;
  readonly problems?: readonly string[];
  readonly error?: string;
  readonly stopped: boolean;
}

/** Undefined when a gate refused or the executor stopped unexpectedly (the user was told). */
export async function sendToComponent(runs: RunController, log: FlowLog, flowFile: vscode.Uri, component: string, source: SendSource, described: string): Promise<SendResult | undefined> {
  const admitted = await runs.admit(flowFile);
  if (!admitted) return undefined;
  let finished: Extract<ExecutorEvent, { type: 'send-finished' }> | undefined;
  log.info(`send ${described} to ${component} of ${vscode.workspace.asRelativePath(flowFile)}`);
  let shown = 0;
  const outcome = await withMessageChild(admitted, log, { type: 'send', flowFile: flowFile.fsPath, component, messages: source }, `FlowTracer: sending ${described} to ${component}`, `FlowTracer could not send to ${component}`, (event, progress) => {
    if (event.type === 'send-progress') {
      progress.report({ message: `${event.sent} of ${event.of}`, increment: event.of > 0 ? ((event.sent - shown) / event.of) * 100 : 0 });
      shown = event.sent;
    } else if (event.type === 'send-finished') finished = event;
  });
  if (!outcome) return undefined;
  const { stopped } = outcome;
  if (!finished) return undefined;
  const result: SendResult = { sent: finished.sent, of: finished.of, stopped, ...(finished.problems ? { problems: finished.problems } : {}), ...(finished.error ? { error: finished.error } : {}) };
  report(log, component, result);
  return result;
}

function report(log: FlowLog, component: string, result: SendResult): void {
  const counted = `${result.sent} of ${result.of} message${result.of === 1 ? '' : 's'}`;
  if (result.problems) {
    for (const problem of result.problems) log.write({ level: 'warn', text: `send to ${component}: ${problem}` });
    void vscode.window.showErrorMessage(`Nothing was sent to ${component}: ${result.problems.length === 1 ? result.problems[0] : `${result.problems[0]} (and more, see the log)`}.`);
    return;
  }
  if (result.stopped) {
    log.info(`send to ${component} stopped: sent ${counted}`);
    void vscode.window.showWarningMessage(`Stopped: sent ${counted} to ${component}.`);
  } else if (result.error) {
    log.write({ level: 'error', text: `send to ${component}: sent ${counted}, then ${result.error}` });
    void vscode.window.showErrorMessage(`Sent ${counted} to ${component}, then: ${result.error}`);
  } else {
    log.info(`sent ${counted} to ${component}`);
    void vscode.window.showInformationMessage(`Sent ${counted} to ${component}.`);
  }
}
