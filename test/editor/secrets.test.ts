// Secrets in the real editor: a secret belongs to one workspace folder, and Export Resolved Flow never writes a credential's value, nor anything resolved in an untrusted workspace.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExecutorOutcome } from '../../client/executor/executor-process';
import { deleteQueues, flowTracer, publish, queueDepth, writeFlow } from './support/run-fixtures';

const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const HOME = process.env.HOME ?? '/root';

describe('secrets in the editor', () => {
  const inbox = `ft-editor-secret-in-${tag}`;
  const outbox = `ft-editor-secret-out-${tag}`;
  after(async () => deleteQueues(inbox, outbox));

  it('a secret set for another folder is not this folder\'s: its flow cannot use it until it is set here', async () => {
    const api = await flowTracer();
    const name = `rabbit-${tag}`;
    const uri = await writeFlow(`secret-folder-${tag}.flow.yaml`, [
      `flow: secret-folder-${tag}`,
      'components:',
      `  Inbox: { type: mq, url: "amqp://guest:\${secret:${name}}@127.0.0.1:5672", queue: ${inbox} }`,
      `  Outbox: { type: mq, url: "amqp://guest:\${secret:${name}}@127.0.0.1:5672", queue: ${outbox} }`,
      'connections:',
      '  - { from: Inbox, to: Outbox, select: { until: empty } }',
      '',
    ].join('\n'));
    await publish(inbox, ['{"n":1}']);
    await vscode.commands.executeCommand('flowtracer.setSecret', name, 'guest', vscode.Uri.file(`/tmp/another-repo-${tag}`));
    const refused = await vscode.commands.executeCommand<ExecutorOutcome>('flowtracer.runFlow', uri, 'warn');
    assert.equal(refused.status, 'failed');
    assert.match(refused.error ?? '', new RegExp(`secret '${name}' is not set`));
    assert.equal(await queueDepth(outbox), 0);

    await vscode.commands.executeCommand('flowtracer.setSecret', name, 'guest', vscode.workspace.getWorkspaceFolder(uri)!.uri);
    const ran = await vscode.commands.executeCommand<ExecutorOutcome>('flowtracer.runFlow', uri, 'warn');
    assert.equal(ran.status, 'succeeded', ran.error);
    assert.equal(await queueDepth(outbox), 1);
    assert.ok(!api.test.logText().includes('guest@127'), 'the log shows no password');
  });

  describe('Export Resolved Flow', () => {
    const flow = [
      `flow: export-secrets-${tag}`,
      'components:',
      '  Shop:',
      '    type: service',
      '    url: "http://127.0.0.1:8080/${env:HOME}"',
      '    headers: { Authorization: "Bearer ${env:HOME}", x-home: "${env:HOME}" }',
      '  Audit: { type: database, url: "postgres://app:${env:HOME}@127.0.0.1/audit" }',
      'connections:',
      '  - { from: Shop, to: Audit, table: audit }',
      '',
    ].join('\n');
    type Exported = { components: Record<string, { url: string; headers?: Record<string, string> }> };

    it('resolves env values but keeps the references of credential keys and URL passwords', async () => {
      const uri = await writeFlow(`export-secrets-${tag}.flow.yaml`, flow);
      const exported = await vscode.commands.executeCommand<vscode.TextDocument>('flowtracer.exportResolvedFlow', uri, 'json');
      const { components } = JSON.parse(exported.getText()) as Exported;
      assert.equal(components.Shop!.url, `http://127.0.0.1:8080/${HOME}`);
      assert.deepEqual(components.Shop!.headers, { Authorization: 'Bearer ${env:HOME}', 'x-home': HOME });
      assert.equal(components.Audit!.url, 'postgres://app:${env:HOME}@127.0.0.1/audit');
    });

    it('writes every ${env:…} as written in an untrusted workspace', async () => {
      const api = await flowTracer();
      const uri = await writeFlow(`export-untrusted-${tag}.flow.yaml`, flow);
      const realUntrusted = process.env['FLOWTRACER_EDITOR_WORKSPACE_TRUST'] === 'untrusted';
      if (!realUntrusted) api.test.setTrusted(false);
      try {
        const exported = await vscode.commands.executeCommand<vscode.TextDocument>('flowtracer.exportResolvedFlow', uri, 'json');
        assert.ok(!exported.getText().includes(HOME), 'nothing of this machine\'s environment is written');
        const { components } = JSON.parse(exported.getText()) as Exported;
        assert.equal(components.Shop!.url, 'http://127.0.0.1:8080/${env:HOME}');
        assert.equal(components.Shop!.headers!['x-home'], '${env:HOME}');
      } finally {
        api.test.setTrusted(undefined);
      }
    });
  });
});
