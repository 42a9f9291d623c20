// The diagram panels, one per flow document, beside the editor; the entry point for run status, trace and reveal.
import * as vscode from 'vscode';
import { DIAGRAM_VIEW_TYPE, type RunStatus, type TracePath } from '../../protocol/webview-messages';
import type { FlowLog } from '../log/flow-log';
import { DiagramPanel, diagramWebviewOptions } from './diagram-panel';

export class DiagramPanels implements vscode.Disposable {
  private readonly panels = new Map<string, DiagramPanel>();
  /** The last run status of each flow, so that a diagram opened during or after a run shows it. */
  private readonly statuses = new Map<string, RunStatus | undefined>();
  private readonly adopted = new vscode.EventEmitter<DiagramPanel>();
  /** Fires when a panel is bound to its flow document (new, or restored after a reload). */
  readonly onDidAdopt = this.adopted.event;

  constructor(private readonly extensionUri: vscode.Uri, private readonly log: FlowLog) {}

  async show(target?: vscode.Uri): Promise<vscode.WebviewPanel | undefined> {
    const uri = target ?? vscode.window.activeTextEditor?.document.uri;
    if (!uri) {
      void vscode.window.showInformationMessage('Open a .flow.yaml file to show its diagram.');
      return undefined;
    }
    const existing = this.panels.get(uri.toString());
    if (existing) {
      existing.panel.reveal(vscode.ViewColumn.Beside, true);
      return existing.panel;
    }
    const panel = vscode.window.createWebviewPanel(
      DIAGRAM_VIEW_TYPE,
      this.title(uri),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      diagramWebviewOptions(this.extensionUri),
    );
    await this.adopt(panel, uri);
    return panel;
  }

  /** Binds a panel (new, or restored by the serializer after a reload) to its flow document. */
  async adopt(panel: vscode.WebviewPanel, uri: vscode.Uri): Promise<void> {
    const document = await vscode.workspace.openTextDocument(uri);
    const key = uri.toString();
    panel.title = this.title(uri);
    const bound = new DiagramPanel(panel, document, this.extensionUri, this.log);
    panel.onDidDispose(() => {
      bound.dispose();
      if (this.panels.get(key) === bound) this.panels.delete(key);
    });
    this.panels.set(key, bound);
    this.adopted.fire(bound);
    const status = this.statuses.get(key);
    if (status) bound.showStatus(status);
  }

  /** Run status for a flow's diagram (from the executor's events); `undefined` clears it. */
  showRunStatus(flow: vscode.Uri, status: RunStatus | undefined): void {
    const key = flow.toString();
    this.statuses.set(key, status);
    const bound = this.panels.get(key);
    if (bound) bound.showStatus(status);
  }

  /** The open diagram of a flow, if any. */
  panelFor(flow: vscode.Uri): DiagramPanel | undefined {
    return this.panels.get(flow.toString());
  }

  /** Highlights a traced message's path on a flow's diagram; `undefined` clears it. */
  showTrace(flow: vscode.Uri, path: TracePath | undefined): void {
    this.panels.get(flow.toString())?.showTrace(path);
  }

  /** Moves the flow's editor cursor to a component (the context menu's Reveal). */
  async reveal(flow: vscode.Uri, component: string): Promise<void> {
    await this.panels.get(flow.toString())?.reveal(component);
  }

  private title(uri: vscode.Uri): string {
    return `Diagram: ${uri.path.split('/').pop() ?? 'flow'}`;
  }

  dispose(): void {
    for (const bound of this.panels.values()) bound.panel.dispose();
    this.panels.clear();
    this.adopted.dispose();
  }
}

