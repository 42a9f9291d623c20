import * as assert from 'node:assert/strict';
import {
  CompletionRequest,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  RenameRequest,
  type CompletionList,
  type Hover,
  type InitializeResult,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { startLanguageServer, type LanguageServerProcess } from './support/language-server-process';

const URI = 'file:///tmp/flowtracer-lsp-test/orders.flow.yaml';
const FLOW = `flow: orders
components:
  OrderTopic: { type: kafka, brokers: ["localhost:9092"], topic: orders }
  OrderQueue: { type: mq, url: "amqp://guest:\${secret:rabbit}@localhost:5672", queue: orders }
connections:
  - from: OrderTopic
    to: OrderQueue
`;

describe('language server over stdio', () => {
  let server: LanguageServerProcess;
  let initialized: InitializeResult;

  before(async () => {
    server = startLanguageServer();
    initialized = await server.connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {} });
    await server.connection.sendNotification(InitializedNotification.type, {});
  });

  after(async () => {
    await server.stop();
  });

  it('announces incremental sync and every language feature', () => {
    const capabilities = initialized.capabilities;
    assert.deepEqual(capabilities.textDocumentSync, { openClose: true, change: 2 });
    assert.deepEqual(capabilities.completionProvider, { triggerCharacters: [':', ' '], resolveProvider: false });
    assert.deepEqual(
      [capabilities.hoverProvider, capabilities.definitionProvider, capabilities.referencesProvider, capabilities.documentSymbolProvider],
      [true, true, true, true],
    );
    assert.deepEqual(capabilities.renameProvider, { prepareProvider: true });
    assert.deepEqual(capabilities.codeActionProvider, { codeActionKinds: ['quickfix', 'refactor.rewrite'] });
  });

  it('publishes diagnostics on open and again after an incremental change', async () => {
    await server.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: URI, languageId: 'flow-yaml', version: 1, text: FLOW },
    });
    const opened = await server.diagnostics(URI, (params) => params.version === 1);
    assert.deepEqual(opened.diagnostics, []);
    // Break the YAML: replace `to: OrderQueue` (line 6) with an unclosed flow sequence.
    await server.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: URI, version: 2 },
      contentChanges: [{ range: { start: { line: 6, character: 8 }, end: { line: 6, character: 18 } }, text: '[OrderQueue' }],
    });
    const changed = await server.diagnostics(URI, (params) => params.version === 2);
    assert.deepEqual(
      changed.diagnostics.map((diagnostic) => [diagnostic.source, diagnostic.code, diagnostic.range.start.line, diagnostic.range.start.character]),
      [['flowtracer', 'yaml-syntax', 6, 8]],
    );
    await server.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: URI, version: 3 },
      contentChanges: [{ range: { start: { line: 6, character: 8 }, end: { line: 6, character: 19 } }, text: 'OrderQueue' }],
    });
    const fixed = await server.diagnostics(URI, (params) => params.version === 3);
    assert.deepEqual(fixed.diagnostics, []);
  });

  it('completes component names after `to: ` and hovers a reference with the secret masked', async () => {
    const completion = (await server.connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri: URI },
      position: { line: 6, character: 8 },
    })) as CompletionList;
    assert.deepEqual(completion.items.map((item) => [item.label, item.detail]), [['OrderQueue', 'mq · queue orders']]);
    const hover = (await server.connection.sendRequest(HoverRequest.type, { textDocument: { uri: URI }, position: { line: 6, character: 10 } })) as Hover;
    assert.deepEqual(hover.contents, {
      kind: 'markdown',
      value: '**OrderQueue** · `mq`\n\n- `url`: amqp://guest:••••@localhost:5672\n- `queue`: orders\n\nConnection kind: `kafka-to-mq` (inferred)',
    });
  });

  it('renames a component everywhere, and answers a bad name with an error', async () => {
    const edit = (await server.connection.sendRequest(RenameRequest.type, {
      textDocument: { uri: URI },
      position: { line: 5, character: 12 },
      newName: 'Orders',
    })) as WorkspaceEdit;
    assert.deepEqual(edit.changes?.[URI]?.map((change) => [change.range.start.line, change.range.start.character, change.newText]), [
      [2, 2, 'Orders'],
      [5, 10, 'Orders'],
    ]);
    await assert.rejects(
      server.connection.sendRequest(RenameRequest.type, { textDocument: { uri: URI }, position: { line: 5, character: 12 }, newName: 'two words' }),
      (error: Error & { code?: number }) => error.code === -32602 && error.message.startsWith('"two words" is not a valid component name'),
    );
  });

  it('survives garbage documents and keeps answering', async () => {
    const garbage = [
      '\u0000\u0001\uffff{{{[[[::: - - -\n\t\tkey: "unterminated',
      `a: &a [${'x,'.repeat(10)}x]\nb: &b [${'*a,'.repeat(10)}*a]\nc: &c [${'*b,'.repeat(10)}*b]\nd: [${'*c,'.repeat(10)}*c]\n`,
      '['.repeat(2000),
      `components:\n  A: { type: ${'x'.repeat(100_000)} }\n`,
    ];
    for (const [index, text] of garbage.entries()) {
      const uri = `file:///tmp/flowtracer-lsp-test/garbage-${index}.flow.yaml`;
      await server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'flow-yaml', version: 1, text } });
      await server.diagnostics(uri, (params) => params.version === 1);
      await server.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 1, character: 3 } });
      await server.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 1 } });
    }
    assert.equal(server.child.exitCode, null);
    const stillAnswers = (await server.connection.sendRequest(CompletionRequest.type, { textDocument: { uri: URI }, position: { line: 6, character: 8 } })) as CompletionList;
    assert.equal(stillAnswers.items.length, 1);
  });

  it('shuts down and exits with code 0', async () => {
    const exit = new Promise<number | null>((done) => server.child.once('exit', (code) => done(code)));
    await server.connection.sendRequest('shutdown');
    await server.connection.sendNotification('exit');
    assert.equal(await exit, 0);
  });
});
