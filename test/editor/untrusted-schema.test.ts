// The language server started by the extension reads no `schema:` path outside the workspace while the workspace is untrusted.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { until } from './support/until';
import { openFlow } from './support/workspace';

describe('FlowTracer schema paths and workspace trust', () => {
  const outsideDir = mkdtempSync(join(tmpdir(), 'flowtracer-editor-outside-'));
  // It exists: a diagnostic on it can only mean that it was not looked at.
  const outside = join(outsideDir, 'order.schema.json');
  after(() => rmSync(outsideDir, { recursive: true, force: true }));

  it('an absolute schema: path is not read in an untrusted workspace (the diagnostic says so); a trusted one reads it', async () => {
    writeFileSync(outside, '{}');
    const text = [
      'flow: editor-untrusted-schema',
      'components:',
      '  K: { type: kafka, brokers: [localhost:9092], topic: orders }',
      '  Q: { type: mq, url: amqp://localhost, queue: orders }',
      'connections:',
      `  - { from: K, to: Q, schema: ${outside} }`,
      '  - { from: K, to: Q, schema: schemas/missing.json }',
      '',
    ].join('\n');
    const { document } = await openFlow('editor-untrusted-schema.flow.yaml', text);
    // The relative path is read either way: its diagnostic shows the server has checked the file.
    const diagnostics = await until('diagnostics', () => {
      const found = vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === 'flowtracer');
      return found.some((d) => d.code === 'schema-file-missing') ? found : undefined;
    });
    const untrusted = process.env['FLOWTRACER_EDITOR_WORKSPACE_TRUST'] === 'untrusted';
    assert.equal(vscode.workspace.isTrusted, !untrusted);
    const codes = diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character, d.range.end.character]);
    assert.deepEqual(codes, untrusted
      ? [['schema-path-untrusted', 5, 30, 30 + outside.length], ['schema-file-missing', 6, 30, 50]]
      : [['schema-file-missing', 6, 30, 50]]);
  });
});
