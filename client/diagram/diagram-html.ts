// The diagram webview's HTML for a VS Code webview: a fresh nonce and webview URIs for dist/webview/.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { diagramPage } from './diagram-page';

export function diagramHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  return diagramPage({
    cspSource: webview.cspSource,
    nonce: randomBytes(16).toString('base64'),
    asset: (name) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', name)).toString(),
  });
}
