// The Messages panel in a real VS Code against RabbitMQ: opened from the diagram's node menu, it shows the queue's messages and leaves the queue as it was.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as amqp from 'amqplib';
import * as vscode from 'vscode';
import type { NodeMenuContext } from '../../protocol/webview-messages';
import type { TestedApi } from './support/workspace';
import { AMQP_URL, deleteQueues, flowTracer, mqCopyFlow, queueDepth } from './support/run-fixtures';
import { openFlow } from './support/workspace';
import { ScriptedPrompter } from './support/scripted-prompter';
import { within } from './support/until';

/** Publishes each message with its key as the AMQP message id (what a browse shows as the key) and a header. */
async function publishKeyed(queue: string, messages: readonly { key: string; body: string }[]): Promise<void> {
  const connection = await amqp.connect(AMQP_URL);
  try {
    const channel = await connection.createConfirmChannel();
    await channel.assertQueue(queue, { durable: true });
    for (const m of messages) channel.sendToQueue(queue, Buffer.from(m.body), { persistent: true, messageId: m.key, headers: { source: 'editor-test' } });
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}

describe('FlowTracer Messages panel in VS Code (RabbitMQ)', function () {
  this.timeout(120_000);
  let api: TestedApi;
  const tag = randomUUID().slice(0, 8);
  const inbox = `ft-editor-messages-in-${tag}`;
  const outbox = `ft-editor-messages-out-${tag}`;
  const keys = Array.from({ length: 7 }, (_, i) => `order-${i}`);
  let uri: vscode.Uri;

  before(async () => {
    api = await flowTracer();
    api.test.setTrusted(true);
    await api.test.setGithubSessionProvider({ getSession: () => Promise.resolve(undefined), signOut: () => Promise.resolve() });
    await publishKeyed(inbox, keys.map((key, n) => ({ key, body: JSON.stringify({ n }) })));
    ({ uri } = await openFlow(`editor-messages-${tag}.flow.yaml`, mqCopyFlow(`editor-messages-${tag}`, inbox, outbox, { untilEmpty: true })));
  });
  after(async () => {
    api.test.setPrompter(undefined);
    await deleteQueues(inbox, outbox);
  });

  it('the diagram\'s node menu offers Show Messages on kafka and mq nodes', () => {
    const manifest = vscode.extensions.getExtension('flowtracer.flowtracer')!.packageJSON as { contributes: { menus: Record<string, { command: string; when: string }[]> } };
    const entry = manifest.contributes.menus['webview/context']!.find((m) => m.command === 'flowtracer.showMessages');
    assert.equal(entry?.when, "webviewId == 'flowtracer.diagram' && webviewSection == 'flowtracer.node' && flowtracerType =~ /^(kafka|mq)$/");
  });

  it('Show Messages from a node of the diagram shows the queue\'s messages in order, says they are now redelivered, and leaves the queue\'s depth', async () => {
    await vscode.commands.executeCommand('flowtracer.showDiagram', uri);
    await within('the diagram', api.test.diagramProbe.waitForRender(uri, (r) => r.nodes === 2));
    // What the node's context menu hands the command: the node's data-vscode-context.
    const node: NodeMenuContext = { webviewSection: 'flowtracer.node', flowtracerComponent: 'Inbox', flowtracerUri: uri.toString(), flowtracerType: 'mq', preventDefaultContextMenuItems: true };
    await vscode.commands.executeCommand('flowtracer.showMessages', node);
    assert.ok(api.test.messages.panelFor(uri, 'Inbox'), 'the Inbox panel is open');
    const shown = await within('the panel\'s first browse', api.test.messagesProbe.waitForShown(uri, 'Inbox', (s) => s.status.startsWith('7 messages shown')));
    assert.deepEqual(shown.keys, keys);
    assert.equal(shown.status, `7 messages shown. Note: the 7 messages browsed went back to queue ${inbox} in order, now marked redelivered.`);
    assert.equal(await queueDepth(inbox), 7);
  });

  it('searches by key and header through the panel\'s request, checked by the host', async () => {
    await api.test.messagesProbe.postToHost(uri, 'Inbox', { type: 'browse', request: { limit: 10, search: { key: 'order-3', header: 'source=editor-test' } } });
    const shown = await within('the search', api.test.messagesProbe.waitForShown(uri, 'Inbox', (s) => s.status.startsWith('1 message shown')));
    assert.deepEqual(shown.keys, ['order-3']);
    await api.test.messagesProbe.postToHost(uri, 'Inbox', { type: 'browse', request: { limit: 10, grep: 'x' } });
    assert.ok(api.test.logText().includes('dropped a message from the Messages panel of Inbox: browse.request has an undeclared field "grep"'), api.test.logText().slice(-1000));
    assert.equal(await queueDepth(inbox), 7);
  });

  it('the CodeLens and the palette open the same panel', async () => {
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const lens = lenses.find((l) => l.command?.command === 'flowtracer.showMessages' && (l.command.arguments?.[0] as NodeMenuContext).flowtracerComponent === 'Outbox');
    assert.ok(lens?.command, 'a Messages lens on Outbox');
    const opened = await vscode.commands.executeCommand('flowtracer.showMessages', ...(lens.command.arguments ?? []));
    assert.equal(opened, api.test.messages.panelFor(uri, 'Outbox'));
    const empty = await within('the empty queue', api.test.messagesProbe.waitForShown(uri, 'Outbox', (s) => s.status.startsWith('0 messages shown')));
    assert.deepEqual(empty.keys, []);

    // The palette: the flow, then a pick among its kafka and mq components.
    const prompter = new ScriptedPrompter([(p) => (assert.deepEqual(p.kind === 'pick' && p.items.map((i) => i.label), ['Inbox', 'Outbox']), 'Inbox')]);
    api.test.setPrompter(prompter);
    const picked = await vscode.commands.executeCommand('flowtracer.showMessages', uri);
    assert.equal(picked, api.test.messages.panelFor(uri, 'Inbox'));
    assert.equal(prompter.unanswered, 0);
  });
});
