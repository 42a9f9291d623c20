// The bundled server over stdio: a flow's `schema-file-missing` follows the file, pulled by a client that pulls and pushed to one that cannot.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  DiagnosticRefreshRequest,
  DidChangeWatchedFilesNotification,
  DidOpenTextDocumentNotification,
  DocumentDiagnosticRequest,
  FileChangeType,
  InitializedNotification,
  InitializeRequest,
  RegistrationRequest,
  UnregistrationRequest,
  type ClientCapabilities,
  type Diagnostic,
  type FullDocumentDiagnosticReport,
  type InitializeResult,
  type Registration,
} from 'vscode-languageserver-protocol';
import { startLanguageServer, type LanguageServerProcess } from './support/language-server-process';

/** A client as VS Code's: it pulls, re-pulls when asked, and watches what the server registers. */
const PULLING: ClientCapabilities = {
  textDocument: { diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false } },
  workspace: { diagnostics: { refreshSupport: true }, didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true } },
};

describe('language server diagnostics that follow the referenced schema files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowtracer-lsp-referenced-'));
  const flowFile = join(dir, 'orders.flow.yaml');
  const schemaFile = join(dir, 'schemas', 'order.json');
  const uri = pathToFileURL(flowFile).href;
  const text = [
    'flow: orders',
    'components:',
    '  K: { type: kafka, brokers: [localhost:9092], topic: orders }',
    '  Q: { type: mq, url: amqp://localhost, queue: orders }',
    'connections:',
    '  - { from: K, to: Q, schema: schemas/order.json }',
    '',
  ].join('\n');
  const missing = {
    code: 'schema-file-missing',
    range: { start: { line: 5, character: 30 }, end: { line: 5, character: 48 } },
    message: `schema file \`schemas/order.json\` does not exist (looked for ${schemaFile})`,
  };
  const summary = (diagnostics: Diagnostic[]) => diagnostics.map((d) => ({ code: d.code, range: d.range, message: d.message }));
  const servers: LanguageServerProcess[] = [];

  beforeEach(() => {
    rmSync(join(dir, 'schemas'), { recursive: true, force: true });
    writeFileSync(flowFile, text);
  });

  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(capabilities: ClientCapabilities) {
    const server = startLanguageServer();
    servers.push(server);
    const registrations: Registration[] = [];
    const unregistered: string[] = [];
    const refreshes: (() => void)[] = [];
    const registering: (() => void)[] = [];
    server.connection.onRequest(RegistrationRequest.type, (params) => {
      registrations.push(...params.registrations);
      for (const wake of registering.splice(0)) wake();
    });
    server.connection.onRequest(UnregistrationRequest.type, (params) => {
      unregistered.push(...params.unregisterations.map((u) => u.id));
    });
    /** Resolves once `count` registrations came. */
    const registered = async (count: number) => {
      while (registrations.length < count) await new Promise<void>((done) => registering.push(done));
    };
    server.connection.onRequest(DiagnosticRefreshRequest.type, () => {
      for (const wake of refreshes.splice(0)) wake();
    });
    const initialized = (await server.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities, workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'ws' }],
    })) as InitializeResult;
    await server.connection.sendNotification(InitializedNotification.type, {});
    await server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'flow-yaml', version: 1, text } });
    const pull = async () => {
      const report = (await server.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } })) as FullDocumentDiagnosticReport;
      assert.equal(report.kind, 'full');
      return summary(report.items);
    };
    const refreshed = () => new Promise<void>((done) => refreshes.push(done));
    const fileChanged = (type: FileChangeType) =>
      server.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(schemaFile).href, type }] });
    return { server, initialized, registrations, unregistered, registered, pull, refreshed, fileChanged };
  }

  it('a pulling client: pulled on open, watched, and pulled again without the diagnostic after the refresh once the file is created', async () => {
    const { server, initialized, registrations, registered, pull, refreshed, fileChanged } = await start(PULLING);
    assert.deepEqual(initialized.capabilities.diagnosticProvider, { interFileDependencies: false, workspaceDiagnostics: false });
    assert.deepEqual(await pull(), [missing]);
    // In the workspace folder: the workspace's own watcher sees `schemas/` and the file appear.
    await registered(1);
    assert.deepEqual(
      registrations.map((r) => [r.method, r.registerOptions]),
      [['workspace/didChangeWatchedFiles', { watchers: [{ globPattern: { baseUri: pathToFileURL(dir).href, pattern: 'schemas/order.json' } }] }]],
    );

    mkdirSync(join(dir, 'schemas'));
    writeFileSync(schemaFile, '{"type": "object"}');
    const created = refreshed();
    await fileChanged(FileChangeType.Created);
    await created;
    assert.deepEqual(await pull(), []);

    unlinkSync(schemaFile);
    const deleted = refreshed();
    await fileChanged(FileChangeType.Deleted);
    await deleted;
    assert.deepEqual(await pull(), [missing]);
    // A pulling client gets no pushed diagnostics besides.
    assert.deepEqual(server.published.filter((p) => p.uri === uri), []);
  });

  it('a client that cannot pull (as Neovim 0.7): pushed on open and pushed again once the file is created', async () => {
    const { server, initialized, fileChanged } = await start({});
    assert.equal(initialized.capabilities.diagnosticProvider, undefined);
    assert.deepEqual(summary((await server.diagnostics(uri, (p) => p.version === 1)).diagnostics), [missing]);

    mkdirSync(join(dir, 'schemas'));
    writeFileSync(schemaFile, '{"type": "object"}');
    await fileChanged(FileChangeType.Created);
    assert.deepEqual((await server.diagnostics(uri)).diagnostics, []);
  });
});
