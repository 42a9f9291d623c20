// One diagram webview panel per flow document, beside the editor.
import * as vscode from 'vscode';
import type { HostToWebview, WebviewToHost } from '../../protocol/webview-messages';
import { diagramHtml } from './diagram-html';

export class DiagramPanels implements vscode.Disposable {
  private readonly panels = new Map<string, vscode.WebviewPanel>();

  constructor(private readonly extensionUri: vscode.Uri) {}

  async show(target?: vscode.Uri): Promise<vscode.WebviewPanel | undefined> {
    const uri = target ?? vscode.window.activeTextEditor?.document.uri;
    if (!uri) {
      void vscode.window.showInformationMessage('Open a .flow.yaml file to show its diagram.');
      return undefined;
    }
    const key = uri.toString();
    const existing = this.panels.get(key);
    if (existing) {
      existing.reveal(vscode.ViewColumn.Beside);
      return existing;
    }
    const document = await vscode.workspace.openTextDocument(uri);
    const panel = vscode.window.createWebviewPanel(
      'flowtracer.diagram',
      `Diagram: ${uri.path.split('/').pop() ?? 'flow'}`,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      {
        enableScripts: true,
        retainContextWhenHidden: true,
        localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview')],
      },
    );
    panel.webview.html = diagramHtml(panel.webview, this.extensionUri);
    const post = (message: HostToWebview) => void panel.webview.postMessage(message);
    panel.webview.onDidReceiveMessage((message: WebviewToHost) => {
      if (message.type === 'ready') {
        post({ type: 'flow', uri: key, version: document.version, text: document.getText() });
      }
    });
    panel.onDidDispose(() => this.panels.delete(key));
    this.panels.set(key, panel);
    return panel;
  }

  dispose(): void {
    for (const panel of this.panels.values()) panel.dispose();
    this.panels.clear();
  }
}
