// Redrive Dead Letters… in a real VS Code against RabbitMQ's own dead-lettering: rejected messages carry x-death, the groups are picked from the dry run, each move is a run in the Runs view.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as amqp from 'amqplib';
import { Kafka, logLevel } from 'kafkajs';
import * as vscode from 'vscode';
import type { RedriveResult } from '../../client/messages/dead-letter-redrive';
import type { NodeMenuContext } from '../../protocol/webview-messages';
import type { TestedApi } from './support/workspace';
import { AMQP_URL, flowTracer } from './support/run-fixtures';
import { openFlow } from './support/workspace';
import { ScriptedPrompter, type Prompt } from './support/scripted-prompter';
import { until } from './support/until';

interface Queued {
  readonly key: string | undefined;
  readonly headers: Record<string, unknown>;
}

/** Takes every message off a queue (acked), in order. */
async function drain(channel: amqp.Channel, queue: string): Promise<Queued[]> {
  const out: Queued[] = [];
  for (;;) {
    const got = await channel.get(queue, { noAck: true });
    if (!got) return out;
    out.push({ key: got.properties.messageId as string | undefined, headers: { ...(got.properties.headers ?? {}) } });
  }
}

/**
 * Publishes the messages to each work queue and lets the application's consumer reject every one:
 * RabbitMQ dead-letters them to `dlq` with x-death. Resolves once `dlq` holds `expected` messages.
 */
async function deadLetter(channel: amqp.ConfirmChannel, dlq: string, expected: number, batches: readonly { queue: string; keys: readonly string[]; headers?: Record<string, string> }[]): Promise<void> {
  for (const b of batches) b.keys.forEach((key, n) => channel.sendToQueue(b.queue, Buffer.from(JSON.stringify({ n })), { messageId: key, persistent: true, headers: b.headers ?? {} }));
  await channel.waitForConfirms();
  const tags: string[] = [];
  for (const b of batches) tags.push((await channel.consume(b.queue, (m) => m && channel.reject(m, false), { noAck: false })).consumerTag);
  await until('the dead letters', async () => ((await channel.checkQueue(dlq)).messageCount === expected ? true : undefined));
  for (const t of tags) await channel.cancel(t);
}

const keys = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe('FlowTracer Redrive Dead Letters… in VS Code (RabbitMQ x-death)', function () {
  this.timeout(180_000);
  let api: TestedApi;
  const tag = randomUUID().slice(0, 8);
  const [dlx, dlq, workA, workB] = ['dlx', 'dlq', 'work-a', 'work-b'].map((n) => `ft-editor-redrive-${n}-${tag}`) as [string, string, string, string];
  let uri: vscode.Uri;
  let connection: amqp.ChannelModel;
  let channel: amqp.ConfirmChannel;
  const node = (component: string): NodeMenuContext => ({ webviewSection: 'flowtracer.node', flowtracerComponent: component, flowtracerUri: uri.toString(), flowtracerType: 'mq', preventDefaultContextMenuItems: true });

  before(async () => {
    api = await flowTracer();
    api.test.setTrusted(true);
    await api.test.setGithubSessionProvider({ getSession: () => Promise.resolve(undefined), signOut: () => Promise.resolve() });
    connection = await amqp.connect(AMQP_URL);
    channel = await connection.createConfirmChannel();
    await channel.assertExchange(dlx, 'fanout', { durable: false });
    await channel.assertQueue(dlq, { durable: true });
    await channel.bindQueue(dlq, dlx, '');
    for (const q of [workA, workB]) await channel.assertQueue(q, { durable: true, arguments: { 'x-dead-letter-exchange': dlx } });
    // The application's consumers reject every message: RabbitMQ dead-letters each one, writing x-death.
    await deadLetter(channel, dlq, 17, [{ queue: workA, keys: keys('a', 12), headers: { tenant: 'acme' } }, { queue: workB, keys: keys('b', 5) }]);
    ({ uri } = await openFlow(`editor-redrive-${tag}.flow.yaml`, [
      `flow: editor-redrive-${tag}`,
      'components:',
      `  DeadLetters: { type: mq, url: "${AMQP_URL}", queue: ${dlq} }`,
      `  WorkA: { type: mq, url: "${AMQP_URL}", queue: ${workA} }`,
      `  WorkB: { type: mq, url: "${AMQP_URL}", queue: ${workB} }`,
      'connections:',
      '  - from: WorkA',
      '    to: WorkB',
      '',
    ].join('\n')));
  });
  after(async () => {
    api.test.setPrompter(undefined);
    for (const q of [dlq, workA, workB]) await channel.deleteQueue(q).catch(() => undefined);
    await channel.deleteExchange(dlx).catch(() => undefined);
    await connection.close();
  });

  it('the diagram\'s node menu offers Redrive on kafka and mq nodes, and the CodeLens on a dead-letter component', async () => {
    const manifest = vscode.extensions.getExtension('flowtracer.flowtracer')!.packageJSON as { contributes: { menus: Record<string, { command: string; when: string }[]> } };
    const entry = manifest.contributes.menus['webview/context']!.find((m) => m.command === 'flowtracer.redrive');
    assert.equal(entry?.when, "webviewId == 'flowtracer.diagram' && webviewSection == 'flowtracer.node' && flowtracerType =~ /^(kafka|mq)$/ && isWorkspaceTrusted");
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const redrives = lenses.filter((l) => l.command?.command === 'flowtracer.redrive').map((l) => (l.command!.arguments?.[0] as NodeMenuContext).flowtracerComponent);
    assert.deepEqual(redrives, ['DeadLetters']);
  });

  it('shows each origin\'s group and where it would go, moves the one picked back exactly once as a run, and leaves the rest', async () => {
    let offered: Prompt | undefined;
    const prompter = new ScriptedPrompter([
      (p) => ((offered = p), [`mq:${workA} · rejected`]),
      (p) => (assert.deepEqual(p.kind === 'pick' && p.items.map((i) => i.label), ['Strip the dead-lettering headers', 'Keep them']), 'Strip the dead-lettering headers'),
    ]);
    api.test.setPrompter(prompter);
    const result = await vscode.commands.executeCommand<RedriveResult>('flowtracer.redrive', node('DeadLetters'));
    assert.equal(prompter.unanswered, 0);

    // The dry run: every group, what it holds and where it would go, all picked by default.
    assert.equal(offered?.kind, 'pickMany');
    assert.deepEqual(offered.items.map((i) => [i.label, i.description, i.picked]), [
      [`mq:${workA} · rejected`, '12 messages → WorkA', true],
      [`mq:${workB} · rejected`, '5 messages → WorkB', true],
      ['$(search) Only those matching a search…', 'of the groups picked (or all): text in the payload, the key or a header', undefined],
    ]);

    // One move, one ordinary run: in the Runs view, reading 12 and delivering 12.
    assert.equal(result.runs.length, 1);
    const [run] = result.runs;
    assert.deepEqual([run!.origin, run!.to, run!.count, run!.status], [`mq:${workA}`, 'WorkA', 12, 'succeeded']);
    const listed = api.test.runsTree.history.find((r) => r.runId === run!.runId);
    assert.ok(listed, `run ${String(run!.runId)} is in the Runs view`);
    assert.equal(listed.status, 'succeeded');
    assert.match(api.test.logText(), new RegExp(`redrive DeadLetters: mq:${workA} → WorkA, 12 messages`));

    // Back at the origin exactly once, in order, x-death stripped and the redrive counted; the rest stays.
    const back = await drain(channel, workA);
    assert.deepEqual(back.map((m) => m.key), Array.from({ length: 12 }, (_, i) => `a-${i}`));
    assert.equal(back[0]!.headers['tenant'], 'acme');
    assert.equal(back[0]!.headers['x-flowtracer-redriven'], '1');
    assert.equal(Object.keys(back[0]!.headers).some((h) => h.startsWith('x-death') || h.startsWith('x-first-death')), false);
    const left = await drain(channel, dlq);
    assert.deepEqual(left.map((m) => m.key).sort(), Array.from({ length: 5 }, (_, i) => `b-${i}`).sort());
    assert.deepEqual(await drain(channel, workB), []);
  });

  it('asks where to when an origin is no component of the flow, and sends every picked group there', async () => {
    // New dead letters of work-b, and a flow without WorkB: they have no home in it.
    await deadLetter(channel, dlq, 5, [{ queue: workB, keys: keys('c', 5) }]);
    const { uri: other } = await openFlow(`editor-redrive-to-${tag}.flow.yaml`, [
      `flow: editor-redrive-to-${tag}`,
      'components:',
      `  DeadLetters: { type: mq, url: "${AMQP_URL}", queue: ${dlq} }`,
      `  WorkA: { type: mq, url: "${AMQP_URL}", queue: ${workA} }`,
      'connections:',
      '  - from: WorkA',
      '    to: DeadLetters',
      '',
    ].join('\n'));
    const prompter = new ScriptedPrompter([
      (p) => (assert.deepEqual(p.kind === 'pick' && [p.items.map((i) => i.label), p.items[0]!.description], [['Back to their origins', 'WorkA'], "no group's origin is a component of this flow: they would stay"]), 'WorkA'),
      (p) => (assert.deepEqual(p.kind === 'pickMany' && p.items.map((i) => [i.label, i.description]).slice(0, 1), [[`mq:${workB} · rejected`, '5 messages → WorkA']]), [`mq:${workB} · rejected`]),
      () => 'Keep them',
    ]);
    api.test.setPrompter(prompter);
    const result = await vscode.commands.executeCommand<RedriveResult>('flowtracer.redrive', { ...node('DeadLetters'), flowtracerUri: other.toString() });
    assert.equal(prompter.unanswered, 0);
    assert.deepEqual(result.runs.map((r) => [r.origin, r.to, r.count, r.status]), [[`mq:${workB}`, 'WorkA', 5, 'succeeded']]);
    const moved = await drain(channel, workA);
    assert.deepEqual(moved.map((m) => m.key), Array.from({ length: 5 }, (_, i) => `c-${i}`));
    // Kept: the x-death RabbitMQ wrote is still on them.
    assert.ok(Object.keys(moved[0]!.headers).some((h) => h.startsWith('x-death')), JSON.stringify(moved[0]!.headers));
    assert.equal((await channel.checkQueue(dlq)).messageCount, 0);
  });

  it('moves only the dead letters that match a search, and the others stay', async () => {
    await deadLetter(channel, dlq, 5, [{ queue: workA, keys: keys('d', 5) }]);
    const prompter = new ScriptedPrompter([
      () => ['$(search) Only those matching a search…'],
      (p) => (assert.equal(p.kind, 'input'), 'D-3'),
      () => 'Strip the dead-lettering headers',
    ]);
    api.test.setPrompter(prompter);
    const result = await vscode.commands.executeCommand<RedriveResult>('flowtracer.redrive', node('DeadLetters'));
    assert.equal(prompter.unanswered, 0);
    assert.deepEqual(result.runs.map((r) => [r.origin, r.to, r.count, r.status]), [[`mq:${workA}`, 'WorkA', 1, 'succeeded']]);
    assert.deepEqual((await drain(channel, workA)).map((m) => m.key), ['d-3']);
    assert.deepEqual((await drain(channel, dlq)).map((m) => m.key).sort(), ['d-0', 'd-1', 'd-2', 'd-4']);
  });
});

describe('FlowTracer Redrive Dead Letters… in VS Code (a Kafka DLT)', function () {
  this.timeout(180_000);
  let api: TestedApi;
  const tag = randomUUID().slice(0, 8);
  const [dlt, orders] = [`ft-editor-redrive-dlt-${tag}`, `ft-editor-redrive-orders-${tag}`];
  let kafka: Kafka;

  before(async () => {
    assert.ok(process.env.KAFKA_BROKERS, 'KAFKA_BROKERS reaches VS Code (the editor harness starts a broker)');
    api = await flowTracer();
    api.test.setTrusted(true);
    await api.test.setGithubSessionProvider({ getSession: () => Promise.resolve(undefined), signOut: () => Promise.resolve() });
    kafka = new Kafka({ clientId: 'ft-editor-redrive', brokers: process.env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [dlt, orders].map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })), waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    try {
      // What an application's error handler wrote: the origin topic and the failure, and one record that is no dead letter.
      await producer.send({ topic: dlt, acks: -1, messages: [
        ...Array.from({ length: 4 }, (_, i) => ({ key: `o-${i}`, value: JSON.stringify({ i }), headers: { 'x-original-topic': orders, 'x-exception-message': 'timeout', app: 'billing' } })),
        { key: 'plain', value: '{}', headers: { app: 'billing' } },
      ] });
    } finally {
      await producer.disconnect();
    }
  });
  after(() => api.test.setPrompter(undefined));

  it('moves the DLT\'s dead letters back to their topic exactly once, the dead-lettering\'s headers stripped', async () => {
    const { uri } = await openFlow(`editor-redrive-kafka-${tag}.flow.yaml`, [
      `flow: editor-redrive-kafka-${tag}`,
      'components:',
      `  OrdersDLT: { type: kafka, brokers: ["${process.env.KAFKA_BROKERS}"], topic: ${dlt} }`,
      `  Orders: { type: kafka, brokers: ["${process.env.KAFKA_BROKERS}"], topic: ${orders} }`,
      'connections:',
      '  - from: Orders',
      '    to: OrdersDLT',
      '',
    ].join('\n'));
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    assert.deepEqual(lenses.filter((l) => l.command?.command === 'flowtracer.redrive').map((l) => (l.command!.arguments?.[0] as NodeMenuContext).flowtracerComponent), ['OrdersDLT']);
    const prompter = new ScriptedPrompter([
      (p) => (assert.deepEqual(p.kind === 'pickMany' && p.items.map((i) => [i.label, i.description]).slice(0, 1), [[`kafka:${orders} · timeout`, '4 messages → Orders']]), [`kafka:${orders} · timeout`]),
      () => 'Strip the dead-lettering headers',
    ]);
    api.test.setPrompter(prompter);
    const result = await vscode.commands.executeCommand<RedriveResult>('flowtracer.redrive', { flowtracerUri: uri.toString(), flowtracerComponent: 'OrdersDLT' });
    assert.equal(prompter.unanswered, 0);
    assert.equal(result.notDeadLetters, 1);
    assert.deepEqual(result.runs.map((r) => [r.origin, r.to, r.count, r.status]), [[`kafka:${orders}`, 'Orders', 4, 'succeeded']]);

    // The origin topic now holds each dead letter once, without x-original-topic, the redrive counted.
    const consumer = kafka.consumer({ groupId: `ft-editor-redrive-check-${tag}` });
    await consumer.connect();
    await consumer.subscribe({ topic: orders, fromBeginning: true });
    const got: { key: string; headers: Record<string, string> }[] = [];
    await consumer.run({ eachMessage: ({ message }) => {
      got.push({ key: message.key!.toString(), headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])) });
      return Promise.resolve();
    } });
    try {
      await until('the redriven records', () => Promise.resolve(got.length >= 4 ? true : undefined));
    } finally {
      await consumer.disconnect();
    }
    assert.deepEqual(got.map((m) => m.key), ['o-0', 'o-1', 'o-2', 'o-3']);
    assert.equal(got[0]!.headers['app'], 'billing');
    assert.equal(got[0]!.headers['x-flowtracer-redriven'], '1');
    assert.equal('x-original-topic' in got[0]!.headers || 'x-exception-message' in got[0]!.headers, false);
  });
});
