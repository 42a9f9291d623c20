// The Messages panel in a real VS Code against RabbitMQ: opened from the diagram's node menu, it shows the queue's messages and leaves the queue as it was.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as amqp from 'amqplib';
import * as vscode from 'vscode';
import type { NodeMenuContext } from '../../protocol/webview-messages';
import type { TestedApi } from './support/workspace';
import { AMQP_URL, deleteQueues, flowTracer, mqCopyFlow, queueDepth } from './support/run-fixtures';
import { openFlow, writeFlow } from './support/workspace';
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

/** Takes every message off a queue (acked): key (message id), headers and body, in order. */
async function drain(queue: string): Promise<{ key: string | undefined; headers: Record<string, unknown>; body: string }[]> {
  const connection = await amqp.connect(AMQP_URL);
  try {
    const channel = await connection.createChannel();
    const out: { key: string | undefined; headers: Record<string, unknown>; body: string }[] = [];
    for (;;) {
      const got = await channel.get(queue, { noAck: true });
      if (!got) return out;
      out.push({ key: got.properties.messageId as string | undefined, headers: { ...(got.properties.headers ?? {}) }, body: got.content.toString('utf8') });
    }
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

describe('FlowTracer Send Messages… in VS Code (RabbitMQ)', function () {
  this.timeout(120_000);
  let api: TestedApi;
  const tag = randomUUID().slice(0, 8);
  const inbox = `ft-editor-send-in-${tag}`;
  const outbox = `ft-editor-send-out-${tag}`;
  let uri: vscode.Uri;
  const node = (component: string): NodeMenuContext => ({ webviewSection: 'flowtracer.node', flowtracerComponent: component, flowtracerUri: uri.toString(), flowtracerType: 'mq', preventDefaultContextMenuItems: true });

  before(async () => {
    api = await flowTracer();
    api.test.setTrusted(true);
    await api.test.setGithubSessionProvider({ getSession: () => Promise.resolve(undefined), signOut: () => Promise.resolve() });
    ({ uri } = await openFlow(`editor-send-${tag}.flow.yaml`, mqCopyFlow(`editor-send-${tag}`, inbox, outbox, { untilEmpty: true })));
  });
  after(async () => {
    api.test.setPrompter(undefined);
    await deleteQueues(inbox, outbox);
  });

  it('sends the messages of an .ndjson file open in the editor to the node\'s queue, in order, and says how many', async () => {
    const lines = [
      { key: 'a-1', headers: { origin: 'editor' }, value: { n: 1 } },
      { key: 'a-2', headers: {}, value: 'plain text' },
      { key: 'a-3', headers: { origin: 'editor', attempt: '2' }, value: { n: 3 } },
    ];
    const file = await writeFlow(`send-${tag}.ndjson`, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    await vscode.window.showTextDocument(file);
    const prompter = new ScriptedPrompter([(p) => (assert.deepEqual(p.kind === 'pick' && p.items.map((i) => i.label), [`All of send-${tag}.ndjson`, 'An .ndjson file…']), `All of send-${tag}.ndjson`)]);
    api.test.setPrompter(prompter);
    const result = await vscode.commands.executeCommand('flowtracer.sendMessages', node('Outbox'));
    assert.deepEqual(result, { sent: 3, of: 3, stopped: false });
    assert.equal(prompter.unanswered, 0);
    assert.deepEqual(await drain(outbox), [
      { key: 'a-1', headers: { origin: 'editor' }, body: '{"n":1}' },
      { key: 'a-2', headers: {}, body: 'plain text' },
      { key: 'a-3', headers: { origin: 'editor', attempt: '2' }, body: '{"n":3}' },
    ]);
    assert.ok(api.test.logText().includes(`[info] sent 3 of 3 messages to Outbox`), api.test.logText().slice(-1000));
  });

  it('sends a selected JSON array as one message per item', async () => {
    const snippet = await writeFlow(`snippet-${tag}.json`, 'notes\n[{"key":"s-1","value":{"n":1}},{"key":"s-2","value":{"n":2}}]\nmore notes\n');
    const editor = await vscode.window.showTextDocument(snippet);
    editor.selection = new vscode.Selection(1, 0, 1, editor.document.lineAt(1).text.length);
    api.test.setPrompter(new ScriptedPrompter([() => `The selection in snippet-${tag}.json`]));
    const result = await vscode.commands.executeCommand('flowtracer.sendMessages', node('Inbox'));
    assert.deepEqual(result, { sent: 2, of: 2, stopped: false });
    assert.deepEqual((await drain(inbox)).map((m) => [m.key, m.body]), [['s-1', '{"n":1}'], ['s-2', '{"n":2}']]);
  });

  it('sends a YAML list of messages open in the editor, one message per item', async () => {
    const snippet = await writeFlow(`snippet-${tag}.yaml`, '- key: y-1\n  headers: { origin: yaml }\n  value: { n: 1 }\n- key: y-2\n  value: plain\n');
    await vscode.window.showTextDocument(snippet);
    api.test.setPrompter(new ScriptedPrompter([() => `All of snippet-${tag}.yaml`]));
    const result = await vscode.commands.executeCommand('flowtracer.sendMessages', node('Inbox'));
    assert.deepEqual(result, { sent: 2, of: 2, stopped: false });
    assert.deepEqual((await drain(inbox)).map((m) => [m.key, m.headers['origin'], m.body]), [['y-1', 'yaml', '{"n":1}'], ['y-2', undefined, 'plain']]);
  });

  it('sends nothing from a line that is no message, and says which line', async () => {
    const file = await writeFlow(`bad-${tag}.ndjson`, '{"key":"ok","value":1}\nnot a message\n');
    const result = await vscode.commands.executeCommand('flowtracer.sendMessages', node('Outbox'), undefined, file) as { sent: number; error?: string };
    assert.equal(result.sent, 0);
    assert.match(result.error ?? '', /^line 2: /);
    assert.equal(await queueDepth(outbox), 0);
  });
});
