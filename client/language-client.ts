// Starts the bundled FlowTracer language server for flow-yaml documents (entry of dist/client/language-client.js, loaded on first use).
import { MessageChannel, Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import { LanguageClient, PortMessageReader, PortMessageWriter, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { FLOW_LANGUAGE_ID, type LanguageServerInitOptions, type LanguageServerWorkerData, WORKSPACE_TRUSTED_NOTIFICATION } from '../protocol/language-server';

export async function startLanguageClient(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
): Promise<LanguageClient> {
  const module = vscode.Uri.joinPath(context.extensionUri, 'dist', 'server', 'server.js').fsPath;
  // The server runs in a worker thread of the extension host, not a process of its own: no process to spawn
  // (one Node start-up less before the client is ready), its own heap and event loop all the same, so a long
  // validation never holds the extension host up. Each (re)start is a new worker; the client stops it with
  // shutdown/exit (server.ts exits the thread), and a worker that is left when the client is disposed is ended.
  const workers = new Set<Worker>();
  context.subscriptions.push({ dispose: () => workers.forEach((w) => void w.terminate()) });
  const serverOptions: ServerOptions = () => {
    const { port1, port2 } = new MessageChannel();
    const workerData: LanguageServerWorkerData = { languageServerPort: port2 };
    const worker = new Worker(module, { workerData, transferList: [port2], stdout: true, stderr: true });
    workers.add(worker);
    // Whatever the server writes to its stdout or stderr (never LSP: that goes through the port) lands in the log.
    worker.stdout.on('data', (chunk: Buffer) => log.info(chunk.toString().trimEnd()));
    worker.stderr.on('data', (chunk: Buffer) => log.error(chunk.toString().trimEnd()));
    worker.on('error', (error) => log.error(`language server: ${error.stack ?? String(error)}`));
    // A thread that ends, however it ends, closes the channel: the client sees it and starts a new one.
    worker.on('exit', () => workers.delete(worker));
    return Promise.resolve({ reader: new PortMessageReader(port1), writer: new PortMessageWriter(port1) });
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
