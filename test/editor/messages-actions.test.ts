// The Messages panel's other half in a real VS Code: Export Messages… and the Send path back (RabbitMQ), the panel's
// Export, Redrive and Open Trace buttons, a panel restored after a reload, and the Kafka controls against a real broker.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as amqp from 'amqplib';
import { Kafka, logLevel } from 'kafkajs';
import * as vscode from 'vscode';
import type { ExportResult } from '../../client/messages/message-exporter';
import { MESSAGES_VIEW_TYPE } from '../../protocol/messages-view';
import type { NodeMenuContext } from '../../protocol/webview-messages';
import type { TestedApi } from './support/workspace';
import { AMQP_URL, deleteQueues, flowTracer, mqCopyFlow, queueDepth } from './support/run-fixtures';
import { openFlow, workspaceFolder } from './support/workspace';
import { ScriptedPrompter } from './support/scripted-prompter';
import { within } from './support/until';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

async function publishKeyed(queue: string, messages: readonly { key: string; body: string; headers?: Record<string, string> }[]): Promise<void> {
  const connection = await amqp.connect(AMQP_URL);
  try {
    const channel = await connection.createConfirmChannel();
    await channel.assertQueue(queue, { durable: true });
    for (const m of messages) channel.sendToQueue(queue, Buffer.from(m.body), { persistent: true, messageId: m.key, headers: m.headers ?? {} });
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}

async function lines(file: vscode.Uri): Promise<{ key: string | null; headers: Record<string, string>; value?: string }[]> {
  return (await readFile(file.fsPath, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { key: string | null; headers: Record<string, string>; value?: string });
}

describe('FlowTracer Export Messages… and the Messages panel\'s buttons in VS Code (RabbitMQ)', function () {
  this.timeout(120_000);
  let api: TestedApi;
  const tag = randomUUID().slice(0, 8);
  const inbox = `ft-editor-export-in-${tag}`;
  const outbox = `ft-editor-export-out-${tag}`;
  let uri: vscode.Uri;
  const node = (component: string): NodeMenuContext => ({ webviewSection: 'flowtracer.node', flowtracerComponent: component, flowtracerUri: uri.toString(), flowtracerType: 'mq', preventDefaultContextMenuItems: true });
  const sent = Array.from({ length: 6 }, (_, i) => ({ key: `m-${i}`, body: JSON.stringify({ n: i }), headers: { tenant: i % 2 === 0 ? 'even' : 'odd', traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` } }));

  before(async () => {
    api = await flowTracer();
    api.test.setTrusted(true);
    await api.test.setGithubSessionProvider({ getSession: () => Promise.resolve(undefined), signOut: () => Promise.resolve() });
    await publishKeyed(inbox, sent);
    ({ uri } = await openFlow(`editor-export-${tag}.flow.yaml`, mqCopyFlow(`editor-export-${tag}`, inbox, outbox, { untilEmpty: true })));
  });
  after(async () => {
    api.test.setPrompter(undefined);
    api.test.setOpener(undefined);
    await deleteQueues(inbox, outbox);
  });

  it('exports a queue to the .ndjson file picked, leaves the queue, and Send Messages… puts the same messages into another queue', async () => {
    const file = vscode.Uri.joinPath(workspaceFolder(), `export-${tag}.ndjson`);
    const prompter = new ScriptedPrompter([(p) => (assert.equal(p.kind === 'saveAs' && p.options.defaultUri?.path.endsWith('/Inbox.ndjson'), true), file)]);
    api.test.setPrompter(prompter);
    const result = await vscode.commands.executeCommand<ExportResult>('flowtracer.exportMessages', node('Inbox'));
    assert.equal(prompter.unanswered, 0);
    assert.deepEqual(result, { written: 6, file: file.fsPath, stopped: false });
    const exported = await lines(file);
    assert.deepEqual(exported.map((l) => [l.key, l.headers['tenant'], l.value]), sent.map((m) => [m.key, m.headers.tenant, m.body]));
    assert.equal(await queueDepth(inbox), 6, 'the export browsed the queue: it holds every message still');

    // Import: the exported file sent to Outbox, the Send path.
    const back = await vscode.commands.executeCommand('flowtracer.sendMessages', node('Outbox'), undefined, file);
    assert.deepEqual(back, { sent: 6, of: 6, stopped: false });
    const connection = await amqp.connect(AMQP_URL);
    try {
      const channel = await connection.createChannel();
      const got: { key: unknown; tenant: unknown; body: string }[] = [];
      for (let m = await channel.get(outbox, { noAck: true }); m; m = await channel.get(outbox, { noAck: true })) got.push({ key: m.properties.messageId, tenant: (m.properties.headers ?? {})['tenant'], body: m.content.toString() });
      assert.deepEqual(got, sent.map((m) => ({ key: m.key, tenant: m.headers.tenant, body: m.body })));
    } finally {
      await connection.close();
    }
  });

  it('the panel\'s Export takes its search, Open Trace opens the message\'s trace, Redrive says what is no dead letter', async () => {
    await vscode.commands.executeCommand('flowtracer.showMessages', node('Inbox'));
    await within('the panel\'s first browse', api.test.messagesProbe.waitForShown(uri, 'Inbox', (s) => s.status.startsWith('6 messages shown')));
    const file = vscode.Uri.joinPath(workspaceFolder(), `export-odd-${tag}.ndjson`);
    api.test.setPrompter(new ScriptedPrompter([() => file]));
    await api.test.messagesProbe.postToHost(uri, 'Inbox', { type: 'export', request: { limit: 100, search: { header: 'tenant=odd' } } });
    assert.deepEqual((await lines(file)).map((l) => l.key), ['m-1', 'm-3', 'm-5']);

    const opened: string[] = [];
    api.test.setOpener((link) => (opened.push(link.toString(true)), Promise.resolve(true)));
    await api.test.messagesProbe.postToHost(uri, 'Inbox', { type: 'open-trace', traceId: TRACE_ID });
    await api.test.messagesProbe.postToHost(uri, 'Inbox', { type: 'open-trace', traceId: 'javascript:alert(1)' });
    // The trace UI's default: Zipkin's.
    assert.deepEqual(opened, [`http://localhost:9411/zipkin/traces/${TRACE_ID}`]);
    assert.ok(api.test.logText().includes('dropped a message from the Messages panel of Inbox: open-trace.traceId is not a trace id (32 hex digits)'), api.test.logText().slice(-600));

    await api.test.messagesProbe.postToHost(uri, 'Inbox', { type: 'redrive' });
    assert.ok(api.test.logText().includes('redrive Inbox: 0 groups of dead letters (left: 6 messages not dead-lettered)'), api.test.logText().slice(-600));
    assert.equal(await queueDepth(inbox), 6);
  });

  it('restores a panel after a reload without browsing, and refuses a state that names a flow outside the workspace', async () => {
    api.test.messages.panelFor(uri, 'Inbox')?.panel.dispose();
    const outside = vscode.window.createWebviewPanel(MESSAGES_VIEW_TYPE, 'restored', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {});
    let disposed = false;
    outside.onDidDispose(() => (disposed = true));
    await api.test.messagesSerializer.deserializeWebviewPanel(outside, { uri: 'file:///etc/passwd', component: 'Inbox' });
    assert.equal(disposed, true);
    assert.ok(api.test.logText().includes('did not restore a Messages panel: /etc/passwd is not inside a workspace folder'));

    const panel = vscode.window.createWebviewPanel(MESSAGES_VIEW_TYPE, 'restored', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {});
    try {
      await api.test.messagesSerializer.deserializeWebviewPanel(panel, { uri: uri.toString(), component: 'Inbox' });
      assert.equal(api.test.messages.panelFor(uri, 'Inbox')?.panel, panel, 'the restored panel is Inbox\'s again');
      const shown = await within('the restored panel', api.test.messagesProbe.waitForShown(uri, 'Inbox', (s) => s.status.startsWith('Restored')));
      assert.equal(shown.status, 'Restored: Browse shows the messages (they go back to the queue marked redelivered).');
      assert.deepEqual(shown.keys, []);
      await api.test.messagesProbe.postToHost(uri, 'Inbox', { type: 'browse', request: { limit: 2 } });
      assert.deepEqual((await within('a browse of the restored panel', api.test.messagesProbe.waitForShown(uri, 'Inbox', (s) => s.status.startsWith('2 messages shown')))).keys, ['m-0', 'm-1']);
    } finally {
      panel.dispose();
    }
  });
});

describe('FlowTracer Messages panel in VS Code (Kafka)', function () {
  this.timeout(120_000);
  let api: TestedApi;
  const tag = randomUUID().slice(0, 8);
  const topic = `ft-editor-messages-${tag}`;
  let uri: vscode.Uri;
  let kafka: Kafka;

  before(async function () {
    assert.ok(process.env.KAFKA_BROKERS, 'KAFKA_BROKERS reaches VS Code (the editor harness starts a broker)');
    api = await flowTracer();
    api.test.setTrusted(true);
    await api.test.setGithubSessionProvider({ getSession: () => Promise.resolve(undefined), signOut: () => Promise.resolve() });
    kafka = new Kafka({ clientId: 'ft-editor-messages', brokers: process.env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 2, replicationFactor: 1 }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    try {
      for (const partition of [0, 1]) {
        await producer.send({ topic, acks: -1, messages: Array.from({ length: 5 }, (_, i) => ({ partition, key: `p${partition}-${i}`, value: JSON.stringify({ partition, i }), headers: { step: String(i) } })) });
      }
    } finally {
      await producer.disconnect();
    }
    ({ uri } = await openFlow(`editor-messages-kafka-${tag}.flow.yaml`, [
      `flow: editor-messages-kafka-${tag}`,
      'components:',
      `  Orders: { type: kafka, brokers: ["${process.env.KAFKA_BROKERS}"], topic: ${topic} }`,
      `  Copy: { type: kafka, brokers: ["${process.env.KAFKA_BROKERS}"], topic: ${topic}-copy }`,
      'connections:',
      '  - from: Orders',
      '    to: Copy',
      '',
    ].join('\n')));
  });

  it('browses a topic from the start, from an offset of one partition, the latest of each, and by header, moving no consumer group', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const groupsBefore = (await admin.listGroups()).groups.map((g) => g.groupId);
      await vscode.commands.executeCommand('flowtracer.showMessages', { flowtracerUri: uri.toString(), flowtracerComponent: 'Orders' });
      const all = await within('the first browse', api.test.messagesProbe.waitForShown(uri, 'Orders', (s) => s.status.startsWith('10 messages shown'))).catch((error: Error) => {
        throw new Error(`${error.message}; the log: ${api.test.logText().slice(-1500)}`);
      });
      assert.deepEqual([...all.keys].sort(), [0, 1].flatMap((p) => Array.from({ length: 5 }, (_, i) => `p${p}-${i}`)).sort());
      // Within a partition, in offset order.
      assert.deepEqual(all.keys.filter((k) => k?.startsWith('p1-')), ['p1-0', 'p1-1', 'p1-2', 'p1-3', 'p1-4']);

      await api.test.messagesProbe.postToHost(uri, 'Orders', { type: 'browse', request: { from: '3', partitions: [1], limit: 10 } });
      assert.deepEqual((await within('from offset 3 of partition 1', api.test.messagesProbe.waitForShown(uri, 'Orders', (s) => s.status.startsWith('2 messages shown')))).keys, ['p1-3', 'p1-4']);

      await api.test.messagesProbe.postToHost(uri, 'Orders', { type: 'browse', request: { from: 'latest', limit: 1 } });
      const latest = await within('the latest of each partition', api.test.messagesProbe.waitForShown(uri, 'Orders', (s) => /^\d+ messages? shown/.test(s.status) && s.keys.every((k) => k?.endsWith('-4'))));
      assert.deepEqual([...latest.keys].sort(), ['p0-4', 'p1-4']);

      await api.test.messagesProbe.postToHost(uri, 'Orders', { type: 'browse', request: { limit: 10, search: { header: 'step=2' } } });
      const found = await within('the header search', api.test.messagesProbe.waitForShown(uri, 'Orders', (s) => s.status.startsWith('2 messages shown')));
      assert.deepEqual([...found.keys].sort(), ['p0-2', 'p1-2']);

      // No group of the browse is left, and no group committed anything on the topic.
      const groupsAfter = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => !groupsBefore.includes(g));
      for (const groupId of groupsAfter) {
        const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
        assert.ok(offsets.every((t) => t.partitions.every((p) => p.offset === '-1')), `${groupId} committed nothing on ${topic}`);
      }
    } finally {
      await admin.disconnect();
    }
  });
});
