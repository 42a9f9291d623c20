// CodeLens: Run · Dry run · Diagram above `flow:`, Messages on kafka and mq components, and each component's last status (with Retry when it failed).
import * as vscode from 'vscode';
import { parsedFlows } from '../parsed-flows';
import { isMessageComponent, looksLikeDeadLetters } from '../messages/messages-panels';
import { lastStatuses } from '../runs/run-history';
import type { RunsTreeProvider } from './runs-tree';

export class FlowCodeLensProvider implements vscode.CodeLensProvider {
  readonly onDidChangeCodeLenses: vscode.Event<void>;

  constructor(private readonly runs: RunsTreeProvider) {
    this.onDidChangeCodeLenses = (listener, thisArgs, disposables) => runs.onDidChangeTreeData(() => listener.call(thisArgs), undefined, disposables);
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const parsed = parsedFlows.ofDocument(document);
    const lenses: vscode.CodeLens[] = [];
    const flowLine = document.getText().split('\n').findIndex((l) => /^flow\s*:/.test(l));
    const top = new vscode.Range(Math.max(flowLine, 0), 0, Math.max(flowLine, 0), 0);
    lenses.push(
      new vscode.CodeLens(top, { title: '$(play) Run', command: 'flowtracer.runFlow', arguments: [document.uri] }),
      new vscode.CodeLens(top, { title: 'Dry run', command: 'flowtracer.dryRunFlow', arguments: [document.uri] }),
      new vscode.CodeLens(top, { title: 'Diagram', command: 'flowtracer.showDiagram', arguments: [document.uri] }),
    );
    const statuses = lastStatuses(this.runs.history, document.uri.fsPath);
    for (const c of parsed.model.components) {
      const range = new vscode.Range(document.positionAt(c.nameSpan.start), document.positionAt(c.nameSpan.start));
      const node = { flowtracerUri: document.uri.toString(), flowtracerComponent: c.name };
      if (isMessageComponent(c)) lenses.push(new vscode.CodeLens(range, { title: 'Messages', command: 'flowtracer.showMessages', arguments: [node] }));
      if (looksLikeDeadLetters(c)) lenses.push(new vscode.CodeLens(range, { title: 'Redrive…', command: 'flowtracer.redrive', arguments: [node] }));
      const last = statuses.get(c.name);
      if (!last) continue;
      lenses.push(new vscode.CodeLens(range, { title: `last run: ${last.status}`, command: 'flowtracer.openRun', arguments: [last.runId] }));
      if (last.status === 'failed') {
        lenses.push(new vscode.CodeLens(range, { title: 'Retry', command: 'flowtracer.retryFailedComponent', arguments: [{ flowtracerUri: document.uri.toString(), flowtracerComponent: c.name }, c.name] }));
      }
    }
    return lenses;
  }
}
