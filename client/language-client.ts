// Starts the bundled FlowTracer language server for flow-yaml documents.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

export const FLOW_LANGUAGE_ID = 'flow-yaml';

export async function startLanguageClient(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
): Promise<LanguageClient> {
  const module = vscode.Uri.joinPath(context.extensionUri, 'dist', 'server', 'server.js').fsPath;
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: FLOW_LANGUAGE_ID }],
    outputChannel: log,
  };
  const client = new LanguageClient('flowtracer', 'FlowTracer Language Server', serverOptions, clientOptions);
  await client.start();
  return client;
}
