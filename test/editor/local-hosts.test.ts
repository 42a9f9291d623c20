// flowtracer.localHosts is read from user settings only: a workspace's .vscode/settings.json cannot switch off the non-local host confirmation.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { AMQP_URL, flowTracer, until, workspaceFolder, writeFlow } from './support/run-fixtures';
import { within } from './support/until';

const REMOTE = 'prod.flowtracer.invalid';

describe('the non-local host confirmation and flowtracer.localHosts', () => {
  const settingsFile = () => vscode.Uri.joinPath(workspaceFolder(), '.vscode', 'settings.json');
  let flow: vscode.Uri;

  before(async () => {
    flow = await writeFlow('editor-local-hosts.flow.yaml', [
      'flow: editor-local-hosts',
      'components:',
      `  Inbox: { type: mq, url: "${AMQP_URL}", queue: ft-local-hosts-in }`,
      `  Orders: { type: service, url: "http://${REMOTE}:8080/orders" }`,
      'connections:',
      '  - from: Inbox',
      '    to: Orders',
      '    select: { until: empty }',
      '',
    ].join('\n'));
  });

  after(async () => {
    await vscode.workspace.fs.delete(settingsFile(), { useTrash: false }).then(undefined, () => undefined);
  });

  it('a workspace .vscode/settings.json that widens flowtracer.localHosts does not suppress the confirmation', async () => {
    const api = await flowTracer();
    // editor.tabSize rides along in the same file so the test knows the file has been read (no fixed sleep).
    await vscode.workspace.fs.writeFile(settingsFile(), new TextEncoder().encode(JSON.stringify({ 'flowtracer.localHosts': [REMOTE, 'localhost'], 'editor.tabSize': 3 })));
    await until('the workspace settings to be read', () => (vscode.workspace.getConfiguration('editor').inspect('tabSize')?.workspaceValue === 3 ? true : undefined));
    const asked: (readonly string[])[] = [];
    api.test.setConfirmHosts((hosts) => (asked.push(hosts), Promise.resolve(false)));
    try {
      const outcome = await within('Run Flow', Promise.resolve(vscode.commands.executeCommand('flowtracer.runFlow', flow, 'warn')));
      assert.deepEqual(asked, [[REMOTE]], 'the run asked before touching the host the workspace called local');
      assert.equal(outcome, undefined, 'declined: nothing ran');
    } finally {
      api.test.setConfirmHosts(undefined);
    }
  });

  it('the same host in the user settings counts as local: no confirmation, the run goes on (and fails at that host)', async () => {
    const api = await flowTracer();
    const config = () => vscode.workspace.getConfiguration('flowtracer');
    await config().update('localHosts', [REMOTE, 'localhost', '127.0.0.1', '::1'], vscode.ConfigurationTarget.Global);
    await until('the user setting', () => (config().inspect<string[]>('localHosts')?.globalValue?.includes(REMOTE) ? true : undefined));
    const asked: (readonly string[])[] = [];
    api.test.setConfirmHosts((hosts) => (asked.push(hosts), Promise.resolve(false)));
    try {
      const outcome = await within('Run Flow', Promise.resolve(vscode.commands.executeCommand<{ status: string; error?: string } | undefined>('flowtracer.runFlow', flow, 'warn')), 60_000);
      assert.deepEqual(asked, []);
      assert.ok(outcome && outcome.status !== 'succeeded' && outcome.error?.includes(REMOTE), `the run reached the executor and failed at ${REMOTE}: ${JSON.stringify(outcome)}`);
    } finally {
      api.test.setConfirmHosts(undefined);
      await config().update('localHosts', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
