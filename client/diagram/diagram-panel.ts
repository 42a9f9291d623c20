// One diagram panel bound to one flow document: live text, cursor selection, reveal, export, run status.
import * as vscode from 'vscode';
import type { ParsedFlow } from '../../flow/parse';
import { flowLanguage } from '../lazy-bundles';
import { parsedFlows } from '../parsed-flows';
import { checkWebviewMessage } from '../../protocol/webview-message-checks';
import type { HostToWebview, RunStatus, TracePath, WebviewToHost } from '../../protocol/webview-messages';
import type { Checked } from '../../protocol/shape-checks';
import type { FlowLog } from '../log/flow-log';
import { diagramHtml } from './diagram-html';

/** Edits are sent after this quiet time, well inside the 150 ms the diagram has to follow an edit. */
const EDIT_DEBOUNCE_MS = 25;
const SELECT_DEBOUNCE_MS = 60;

export function diagramWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
  };
}

/**
 * A webview's posted value as its declared message, handed to its followers (`received`); undefined once a value that is
 * no declared message was dropped and logged (`from` names the webview). The diagram's and the Messages panel's host use it.
 */
export function acceptPosted<T>(posted: unknown, check: (value: unknown) => Checked<T>, log: FlowLog, from: string, received: vscode.EventEmitter<T>): T | undefined {
  const checked = check(posted);
  if (!checked.ok) {
    log.write({ level: 'warn', text: `dropped a message from ${from}: ${checked.reason}` });
    return undefined;
  }
  received.fire(checked.message);
  return checked.message;
}

export function themeKind(kind: vscode.ColorThemeKind): 'light' | 'dark' | 'high-contrast' {
  if (kind === vscode.ColorThemeKind.Light) return 'light';
  if (kind === vscode.ColorThemeKind.Dark) return 'dark';
  return 'high-contrast';
}

export class DiagramPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly receivedEmitter = new vscode.EventEmitter<WebviewToHost>();
  /** Fires for each message from the webview that passed its check. */
  readonly onDidReceive = this.receivedEmitter.event;
  private readonly postedEmitter = new vscode.EventEmitter<HostToWebview>();
  /** Fires for each message the host posts to the webview. */
  readonly onDidPost = this.postedEmitter.event;
  private status: RunStatus | undefined;
  private trace: TracePath | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private selectTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly panel: vscode.WebviewPanel, readonly document: vscode.TextDocument, extensionUri: vscode.Uri, private readonly log: FlowLog) {
    panel.webview.options = diagramWebviewOptions(extensionUri);
    panel.webview.html = diagramHtml(panel.webview, extensionUri);
    this.disposables.push(
      this.receivedEmitter,
      this.postedEmitter,
      panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document === document) this.scheduleFlow();
      }),
      vscode.window.onDidChangeTextEditorSelection((event) => {
        if (event.textEditor.document !== document) return;
        // Finding the component means parsing the flow: wait until the cursor rests (typing moves it too).
        clearTimeout(this.selectTimer);
        const position = event.selections[0]?.active;
        this.selectTimer = setTimeout(() => this.post({ type: 'select', component: this.componentAt(position) }), SELECT_DEBOUNCE_MS);
      }),
      vscode.window.onDidChangeActiveColorTheme((theme) => this.post({ type: 'theme', kind: themeKind(theme.kind) })),
    );
  }

  get uri(): string {
    return this.document.uri.toString();
  }

  showStatus(status: RunStatus | undefined): void {
    this.status = status;
    this.post({ type: 'status', status });
  }

  showTrace(path: TracePath | undefined): void {
    this.trace = path;
    this.post({ type: 'trace', path });
  }

  /** Handles a message from the webview; one that is not a declared message is dropped and logged. */
  async receive(posted: unknown): Promise<void> {
    const message = acceptPosted(posted, checkWebviewMessage, this.log, `the diagram of ${this.document.uri.fsPath}`, this.receivedEmitter);
    if (!message) return;
    switch (message.type) {
      case 'ready':
        this.post({ type: 'theme', kind: themeKind(vscode.window.activeColorTheme.kind) });
        this.postFlow();
        if (this.status) this.post({ type: 'status', status: this.status });
        if (this.trace) this.post({ type: 'trace', path: this.trace });
        return;
      case 'reveal':
        await this.reveal(message.component);
        return;
      case 'rendered':
      case 'statusPainted':
        // Reports for whoever follows the drawing (onDidReceive); the host itself needs nothing from them.
        return;
      case 'export':
        await this.saveExport(message.format, message.data);
        return;
      case 'edit': {
        const reason = await flowLanguage().applyEditRequest(this.document, message.request);
        if (reason) this.post({ type: 'editRefused', id: message.id, reason });
        return;
      }
      case 'error':
        void vscode.window.showWarningMessage(`FlowTracer diagram: ${message.message}`);
        return;
    }
  }

  /** Opens the flow's editor with the cursor on the component's name. */
  async reveal(component: string): Promise<void> {
    const found = this.flow().model.components.find((c) => c.name === component);
    if (!found) return;
    const visible = vscode.window.visibleTextEditors.find((e) => e.document === this.document);
    const editor = await vscode.window.showTextDocument(this.document, { viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One, preserveFocus: false });
    const start = this.document.positionAt(found.nameSpan.start);
    const end = this.document.positionAt(found.nameSpan.end);
    editor.selection = new vscode.Selection(start, end);
    editor.revealRange(new vscode.Range(start, end), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private post(message: HostToWebview): void {
    void this.panel.webview.postMessage(message);
    this.postedEmitter.fire(message);
  }

  private scheduleFlow(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.postFlow(), EDIT_DEBOUNCE_MS);
  }

  private postFlow(): void {
    this.post({ type: 'flow', uri: this.uri, version: this.document.version, text: this.document.getText() });
  }

  private flow(): ParsedFlow {
    return parsedFlows.ofDocument(this.document);
  }

  private componentAt(position: vscode.Position | undefined): string | undefined {
    if (!position) return undefined;
    const offset = this.document.offsetAt(position);
    return this.flow().model.components.find((c) => c.span.start <= offset && offset <= c.span.end)?.name;
  }

  private async saveExport(format: 'svg' | 'png', data: string): Promise<void> {
    const base = this.document.uri.path.replace(/\.flow\.ya?ml$/, '');
    const target = await vscode.window.showSaveDialog({
      defaultUri: this.document.uri.with({ path: `${base}.${format}` }),
      filters: format === 'svg' ? { 'SVG image': ['svg'] } : { 'PNG image': ['png'] },
      title: `Export the diagram as ${format.toUpperCase()}`,
    });
    if (!target) return;
    const bytes = format === 'svg'
      ? new TextEncoder().encode(data)
      : Buffer.from(data.slice(data.indexOf(',') + 1), 'base64');
    await vscode.workspace.fs.writeFile(target, bytes);
  }

  dispose(): void {
    clearTimeout(this.timer);
    clearTimeout(this.selectTimer);
    for (const d of this.disposables) d.dispose();
  }
}
