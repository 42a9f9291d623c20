// Export Messages…: what a browse of a component reads, written to an .ndjson file by an executor child (the Send path reads it back).
import * as vscode from 'vscode';
import type { BrowseRequest, ExecutorEvent } from '../../protocol/executor-events';
import type { FlowLog } from '../log/flow-log';
import type { RunController } from '../runs/run-controller';
import { withMessageChild } from './message-child';

/** How an export ended: `written` messages are in the file, also when it was stopped or failed part way. */
export interface ExportResult {
  readonly written: number;
  readonly file: string;
  readonly stopped: boolean;
  readonly error?: string;
}

/** Every message of a component, as a palette export takes it (a queue's whole depth, a topic from its start). */
export const WHOLE_COMPONENT: BrowseRequest = { limit: Number.MAX_SAFE_INTEGER };

/** Undefined when a gate refused or the executor stopped unexpectedly (the user was told). */
export async function exportFromComponent(runs: RunController, log: FlowLog, flowFile: vscode.Uri, component: string, request: BrowseRequest, file: vscode.Uri): Promise<ExportResult | undefined> {
  const admitted = await runs.admit(flowFile);
  if (!admitted) return undefined;
  const to = vscode.workspace.asRelativePath(file);
  log.info(`export the messages of ${component} of ${vscode.workspace.asRelativePath(flowFile)} to ${to}`);
  let finished: Extract<ExecutorEvent, { type: 'export-finished' }> | undefined;
  const outcome = await withMessageChild(admitted, log, { type: 'export', flowFile: flowFile.fsPath, component, request, file: file.fsPath }, `FlowTracer: exporting the messages of ${component} to ${to}`, `FlowTracer could not export the messages of ${component}`, (event, progress) => {
    if (event.type === 'export-progress') progress.report({ message: `${event.written} written` });
    else if (event.type === 'export-finished') finished = event;
  });
  if (!outcome || !finished) return undefined;
  const result: ExportResult = { written: finished.written, file: file.fsPath, stopped: outcome.stopped, ...(finished.error ? { error: finished.error } : {}) };
  if (finished.note) log.info(`export ${component}: ${finished.note}`);
  const counted = `${result.written} message${result.written === 1 ? '' : 's'}`;
  const open = (choice: string | undefined): unknown => (choice ? vscode.window.showTextDocument(file) : undefined);
  if (result.error) {
    log.write({ level: 'error', text: `export ${component}: wrote ${counted} to ${to}, then ${result.error}` });
    void vscode.window.showErrorMessage(`Wrote ${counted} of ${component} to ${to}, then: ${result.error}`, 'Open File').then(open);
  } else {
    log.info(`exported ${counted} of ${component} to ${to}${result.stopped ? ' (stopped)' : ''}`);
    void vscode.window.showInformationMessage(`${result.stopped ? 'Stopped: exported' : 'Exported'} ${counted} of ${component} to ${to}.`, 'Open File').then(open);
  }
  return result;
}
