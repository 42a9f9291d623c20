// Starts the bundled FlowTracer language server for flow-yaml documents (entry of dist/client/language-client.js, loaded on first use).
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { FLOW_LANGUAGE_ID, type LanguageServerInitOptions, WORKSPACE_TRUSTED_NOTIFICATION } from '../protocol/language-server';

export async function startLanguageClient(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
): Promise<LanguageClient> {
  const module = vscode.Uri.joinPath(context.extensionUri, 'dist', 'server', 'server.js').fsPath;
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  // An untrusted workspace's server reads no `schema:` path outside the workspace (a UNC path reaches the network).
  const initializationOptions: LanguageServerInitOptions = { trusted: vscode.workspace.isTrusted };
  // The workspace's JSON files, through VS Code's own workspace watcher, beside the watchers the server registers for
  // the `schema:` files it reads (those come and go with each registration; this one is there from the start).
  const schemaFiles = vscode.workspace.createFileSystemWatcher('**/*.json');
  context.subscriptions.push(schemaFiles);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: FLOW_LANGUAGE_ID }],
    outputChannel: log,
    initializationOptions,
    synchronize: { fileEvents: schemaFiles },
  };
  const client = new LanguageClient('flowtracer', 'FlowTracer Language Server', serverOptions, clientOptions);
  await client.start();
  context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => void client.sendNotification(WORKSPACE_TRUSTED_NOTIFICATION)));
  return client;
}
