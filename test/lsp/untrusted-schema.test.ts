// The bundled server over stdio in an untrusted workspace: a `schema:` outside the workspace is not read and says so; relative ones are.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DidOpenTextDocumentNotification, InitializedNotification, InitializeRequest, type Diagnostic } from 'vscode-languageserver-protocol';
import { WORKSPACE_TRUSTED_NOTIFICATION } from '../../protocol/language-server';
import { startLanguageServer, type LanguageServerProcess } from './support/language-server-process';

describe('language server in an untrusted workspace', () => {
  const base = mkdtempSync(join(tmpdir(), 'flowtracer-lsp-untrusted-'));
  const workspace = join(base, 'workspace');
  // Both files exist: a trusted server finds them, so a diagnostic on them can only mean "not read".
  const outside = join(base, 'outside.json');
  const flowFile = join(workspace, 'orders.flow.yaml');
  const uri = pathToFileURL(flowFile).href;
  const schemas = ['schemas/order.json', 'schemas/missing.json', outside, '../outside.json'];
  const text = [
    'flow: orders',
    'components:',
    '  K: { type: kafka, brokers: [localhost:9092], topic: orders }',
    '  Q: { type: mq, url: amqp://localhost, queue: orders }',
    'connections:',
    ...schemas.map((s) => `  - { from: K, to: Q, schema: ${s} }`),
    '',
  ].join('\n');
  const at = (line: number, value: string) => ({ start: { line, character: 30 }, end: { line, character: 30 + value.length } });
  const servers: LanguageServerProcess[] = [];

  before(() => {
    mkdirSync(join(workspace, 'schemas'), { recursive: true });
    writeFileSync(join(workspace, 'schemas', 'order.json'), '{}');
    writeFileSync(outside, '{}');
    writeFileSync(flowFile, text);
  });

  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(base, { recursive: true, force: true });
  });

  async function open(initializationOptions: unknown): Promise<{ server: LanguageServerProcess; diagnostics: Diagnostic[] }> {
    const server = startLanguageServer();
    servers.push(server);
    await server.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid, rootUri: pathToFileURL(workspace).href, capabilities: {}, initializationOptions,
      workspaceFolders: [{ uri: pathToFileURL(workspace).href, name: 'workspace' }],
    });
    await server.connection.sendNotification(InitializedNotification.type, {});
    await server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'flow-yaml', version: 1, text } });
    return { server, diagnostics: (await server.diagnostics(uri)).diagnostics };
  }

  const summary = (diagnostics: Diagnostic[]) => diagnostics.map((d) => [d.code, d.range, d.message]);

  it('reads relative paths inside the workspace, refuses an absolute one and one that leads outside, each at its value', async () => {
    const { server, diagnostics } = await open({ trusted: false });
    assert.deepEqual(summary(diagnostics), [
      ['schema-file-missing', at(6, schemas[1]!), `schema file \`schemas/missing.json\` does not exist (looked for ${join(workspace, 'schemas', 'missing.json')})`],
      ['schema-path-untrusted', at(7, outside), `schema file \`${outside}\` was not read: in an untrusted workspace only schema paths relative to the flow, inside the workspace, are read (an absolute or network path could reach another machine); trust the workspace to check it`],
      ['schema-path-untrusted', at(8, schemas[3]!), 'schema file `../outside.json` was not read: in an untrusted workspace only schema paths inside the workspace folder are read, and this one leads outside it; trust the workspace to check it'],
    ]);
    // Trusting the workspace reads them all again: only the missing one is left.
    await server.connection.sendNotification(WORKSPACE_TRUSTED_NOTIFICATION);
    const trusted = await server.diagnostics(uri);
    assert.deepEqual(trusted.diagnostics.map((d) => d.code), ['schema-file-missing']);
  });

  it('a trusted workspace (and a client that says nothing about trust) reads every path, as before', async () => {
    for (const options of [{ trusted: true }, undefined]) {
      const { diagnostics } = await open(options);
      assert.deepEqual(diagnostics.map((d) => [d.code, d.range.start.line]), [['schema-file-missing', 6]]);
    }
  });
});
