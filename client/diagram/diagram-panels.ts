// The diagram panels, one per flow document, beside the editor; the entry point for run status and tests.
import * as vscode from 'vscode';
import { DIAGRAM_VIEW_TYPE, type RunStatus, type TracePath, type WebviewToHost } from '../../protocol/webview-messages';
import { DiagramPanel, diagramWebviewOptions, type RenderedMessage, type StatusPaintedMessage } from './diagram-panel';

/** A status the host posted to a flow's webview, and when (tests check that a run is painted while it goes). */
export interface PostedStatus {
  readonly at: number;
  readonly status: RunStatus | undefined;
}

/** What the webview said it painted, and when. */
export interface PaintedStatus {
  readonly at: number;
  readonly painted: StatusPaintedMessage;
}

/** Records kept per flow for the test hooks. */
const KEPT = 500;

export class DiagramPanels implements vscode.Disposable {
  private readonly panels = new Map<string, DiagramPanel>();
  /** The last run status of each flow, so that a diagram opened during or after a run shows it. */
  private readonly statuses = new Map<string, RunStatus | undefined>();
  private readonly posted = new Map<string, PostedStatus[]>();
  private readonly painted = new Map<string, PaintedStatus[]>();

  constructor(private readonly extensionUri: vscode.Uri) {}

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
    const bound = new DiagramPanel(panel, document, this.extensionUri);
    bound.onDidPaintStatus((painted) => keep(this.painted, key, { at: Date.now(), painted }));
    panel.onDidDispose(() => {
      bound.dispose();
      if (this.panels.get(key) === bound) this.panels.delete(key);
    });
    this.panels.set(key, bound);
    const status = this.statuses.get(key);
    if (status) this.post(key, bound, status);
  }

  /** Run status for a flow's diagram (from the executor's events); `undefined` clears it. */
  showRunStatus(flow: vscode.Uri, status: RunStatus | undefined): void {
    const key = flow.toString();
    this.statuses.set(key, status);
    const bound = this.panels.get(key);
    if (bound) this.post(key, bound, status);
  }

  /** Test hook: the statuses posted to the flow's webview, oldest first. */
  postedStatusesForTest(flow: vscode.Uri): readonly PostedStatus[] {
    return this.posted.get(flow.toString()) ?? [];
  }

  /** Test hook: what the flow's webview reported painting, oldest first. */
  paintedStatusesForTest(flow: vscode.Uri): readonly PaintedStatus[] {
    return this.painted.get(flow.toString()) ?? [];
  }

  private post(key: string, bound: DiagramPanel, status: RunStatus | undefined): void {
    bound.showStatus(status);
    keep(this.posted, key, { at: Date.now(), status });
  }

  /** Highlights a traced message's path on a flow's diagram; `undefined` clears it. */
  showTrace(flow: vscode.Uri, path: TracePath | undefined): void {
    this.panels.get(flow.toString())?.showTrace(path);
  }

  /** Moves the flow's editor cursor to a component (the context menu's Reveal). */
  async reveal(flow: vscode.Uri, component: string): Promise<void> {
    await this.panels.get(flow.toString())?.reveal(component);
  }

  /** Test hook: handles a message as if the flow's webview had posted it. */
  async postToHostForTest(flow: vscode.Uri, message: WebviewToHost): Promise<void> {
    await this.panels.get(flow.toString())?.receive(message);
  }

  /** Test hook: resolves when the flow's diagram reports a drawing that `accept` takes. */
  waitForRenderForTest(flow: vscode.Uri, accept: (rendered: RenderedMessage) => boolean): Promise<RenderedMessage> {
    const bound = this.panels.get(flow.toString());
    if (!bound) return Promise.reject(new Error(`No diagram is open for ${flow.toString()}.`));
    if (bound.lastRendered && accept(bound.lastRendered)) return Promise.resolve(bound.lastRendered);
    return new Promise((resolve) => {
      const subscription = bound.onDidRender((rendered) => {
        if (!accept(rendered)) return;
        subscription.dispose();
        resolve(rendered);
      });
    });
  }

  private title(uri: vscode.Uri): string {
    return `Diagram: ${uri.path.split('/').pop() ?? 'flow'}`;
  }

  dispose(): void {
    for (const bound of this.panels.values()) bound.panel.dispose();
    this.panels.clear();
  }
}

function keep<T>(lists: Map<string, T[]>, key: string, entry: T): void {
  const list = lists.get(key) ?? [];
  list.push(entry);
  if (list.length > KEPT) list.splice(0, list.length - KEPT);
  lists.set(key, list);
}
