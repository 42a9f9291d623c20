// The language server as VS Code runs it (client/language-client.ts): in a worker thread, LSP over the port it is given.
import * as assert from 'node:assert/strict';
import { MessageChannel, Worker } from 'node:worker_threads';
import { createMessageConnection, PortMessageReader, PortMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { DidOpenTextDocumentNotification, InitializedNotification, InitializeRequest, PublishDiagnosticsNotification, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import type { LanguageServerWorkerData } from '../../protocol/language-server';
import { SERVER_BUNDLE } from './support/language-server-process';

const URI = 'file:///tmp/flowtracer-lsp-worker/broken.flow.yaml';

describe('language server in a worker thread', () => {
  let worker: Worker;
  let connection: MessageConnection;
  let exited: Promise<number>;

  beforeEach(() => {
    const { port1, port2 } = new MessageChannel();
    const workerData: LanguageServerWorkerData = { languageServerPort: port2 };
    worker = new Worker(SERVER_BUNDLE, { workerData, transferList: [port2] });
    exited = new Promise((resolve) => worker.once('exit', resolve));
    connection = createMessageConnection(new PortMessageReader(port1), new PortMessageWriter(port1));
    connection.onNotification('window/logMessage', () => undefined);
    connection.listen();
  });

  afterEach(async () => {
    connection.dispose();
    await worker.terminate();
  });

  it('answers initialize, publishes diagnostics over the port, and ends its thread on exit', async () => {
    const published = new Promise<PublishDiagnosticsParams>((resolve) => connection.onNotification(PublishDiagnosticsNotification.type, resolve));
    const initialized = await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null });
    assert.equal(initialized.serverInfo?.name, 'flowtracer-language-server');
    await connection.sendNotification(InitializedNotification.type, {});
    await connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: URI, languageId: 'flow-yaml', version: 1, text: 'flow: broken\ncomponents:\n  A: { type: kafka\n' },
    });
    const diagnostics = await published;
    assert.equal(diagnostics.uri, URI);
    assert.deepEqual(
      diagnostics.diagnostics.filter((d) => d.code === 'yaml-syntax').map((d) => d.range.start),
      [{ line: 2, character: 5 }],
    );
    await connection.sendRequest('shutdown');
    await connection.sendNotification('exit');
    assert.equal(await exited, 0, 'exit after shutdown ends the thread with code 0 (the extension host goes on)');
  });
});
