// The diagram webview's HTML for a VS Code webview: a fresh nonce and webview URIs for dist/webview/ (also the Messages panel's sources).
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { diagramPage, type DiagramPageSources } from './diagram-page';

/** A page's sources in a VS Code webview: a fresh nonce, and URIs of files in dist/webview/ (the diagram's and the Messages panel's). */
export function webviewSources(webview: vscode.Webview, extensionUri: vscode.Uri): DiagramPageSources {
  return {
    cspSource: webview.cspSource,
    nonce: randomBytes(16).toString('base64'),
    asset: (name) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', name)).toString(),
  };
}

export function diagramHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  return diagramPage(webviewSources(webview, extensionUri));
}
