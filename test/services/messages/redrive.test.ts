// `flowtracer redrive` with real dead-lettering: RabbitMQ's own x-death from rejected messages, and a Kafka DLT written with Spring's, Kafka Connect's and x-original-topic headers. Through the built CLI.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp from 'amqplib';
import { Kafka, logLevel, type IHeaders } from 'kafkajs';
import { createTopic } from '../../support/kafka-topics';
import { amqpUrl, kafkaBrokers, readTopic } from '../executor/broker-clients';
import { CLI, lastJson, runCli, until } from '../executor/cli-process';
import type { RunDetails } from '../../../executor/run-inspection';

interface QueuedMessage {
  readonly key: string | null;
  readonly value: unknown;
  readonly headers: Record<string, unknown>;
}

/** Every message of a queue, removed (basic.get until empty). */
async function drain(channel: amqp.Channel, queue: string): Promise<QueuedMessage[]> {
  const out: QueuedMessage[] = [];
  for (;;) {
    const m = await channel.get(queue, { noAck: true });
    if (!m) return out;
    out.push({ key: (m.properties.messageId as string | undefined) ?? null, value: JSON.parse(m.content.toString()) as unknown, headers: (m.properties.headers ?? {}) as Record<string, unknown> });
  }
}

/** A dead-letter exchange and queue, and work queues whose rejected messages RabbitMQ dead-letters there (with x-death). */
async function deadLetterQueues(channel: amqp.Channel, dlx: string, dlq: string, work: readonly string[]): Promise<void> {
  await channel.assertExchange(dlx, 'fanout', { durable: false, autoDelete: false });
  await channel.assertQueue(dlq, { durable: true });
  await channel.bindQueue(dlq, dlx, '');
  for (const q of work) await channel.assertQueue(q, { durable: true, arguments: { 'x-dead-letter-exchange': dlx } });
}

describe('redriving dead letters to their origins (through the CLI)', function () {
  this.timeout(180_000);
  const tag = randomBytes(4).toString('hex');
  let dir: string;
  let runsDir: string;

  before(() => assert.ok(existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`));
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ft-redrive-'));
    runsDir = join(dir, 'runs');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('moves the picked x-death groups of a RabbitMQ dead-letter queue back to their queues exactly once; the rest stays', async () => {
    const [dlx, dlq, workA, workB] = ['dlx', 'dlq', 'work-a', 'work-b'].map((n) => `ft-redrive-${n}-${tag}`) as [string, string, string, string];
    const connection = await amqp.connect(amqpUrl());
    const channel = await connection.createConfirmChannel();
    try {
      await deadLetterQueues(channel, dlx, dlq, [workA, workB]);
      const a = Array.from({ length: 30 }, (_, i) => ({ key: `a-${i}`, value: { n: i } }));
      const b = Array.from({ length: 20 }, (_, i) => ({ key: `b-${i}`, value: { n: i } }));
      for (const m of a) channel.sendToQueue(workA, Buffer.from(JSON.stringify(m.value)), { messageId: m.key, persistent: true, headers: { tenant: 'acme' } });
      // Redriven three times already: it stays in the dead-letter queue.
      channel.sendToQueue(workA, Buffer.from('{"tired":true}'), { messageId: 'a-tired', persistent: true, headers: { 'x-flowtracer-redriven': '3' } });
      for (const m of b) channel.sendToQueue(workB, Buffer.from(JSON.stringify(m.value)), { messageId: m.key, persistent: true });
      await channel.waitForConfirms();
      // The application's consumers reject every message: RabbitMQ dead-letters each one with x-death.
      for (const q of [workA, workB]) await channel.consume(q, (m) => m && channel.reject(m, false), { noAck: false });
      await until('the dead letters', async () => ((await channel.checkQueue(dlq)).messageCount === 51 ? true : undefined));
      await connection.close();
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw error;
    }
    const admin = await amqp.connect(amqpUrl());
    const ch = await admin.createChannel();
    try {
      const file = join(dir, 'orders.flow.yaml');
      writeFileSync(file, `flow: redrive-mq-${tag}
components:
  DeadLetters: { type: mq, url: "\${env:FLOWTRACER_TEST_AMQP_URL}", queue: ${dlq} }
  WorkA: { type: mq, url: "\${env:FLOWTRACER_TEST_AMQP_URL}", queue: ${workA} }
  WorkB: { type: mq, url: "\${env:FLOWTRACER_TEST_AMQP_URL}", queue: ${workB} }
connections:
  - from: WorkA
    to: WorkB
`);
      const dry = await runCli(['redrive', file, 'DeadLetters', '--dry-run', '--json']);
      assert.equal(dry.code, 0, dry.stderr);
      assert.deepEqual(lastJson(dry), {
        dryRun: true,
        groups: [
          { origin: `mq:${workA}`, reason: 'rejected', count: 30, tooOften: 1, to: 'WorkA' },
          { origin: `mq:${workB}`, reason: 'rejected', count: 20, tooOften: 0, to: 'WorkB' },
        ],
        notDeadLetters: 0,
      });
      assert.equal((await ch.checkQueue(dlq)).messageCount, 51);

      const moved = await runCli(['redrive', file, 'DeadLetters', '--origin', `mq:${workA}`, '--runs-dir', runsDir, '--json']);
      assert.equal(moved.code, 0, moved.stderr);
      assert.match(moved.stderr, /1 message was redriven 3 times already and stays in DeadLetters/);
      const { result } = lastJson<{ result: { runId: string; status: string; reconciliation: { read: number; delivered: number }[] } }>(moved);
      assert.equal(result.status, 'succeeded');
      assert.deepEqual(result.reconciliation.map((r) => [r.read, r.delivered]), [[30, 30]]);

      // Back at the origin exactly once, in order, the dead-lettering's headers stripped and the redrive counted.
      const back = await drain(ch, workA);
      assert.deepEqual(back.map((m) => m.key), Array.from({ length: 30 }, (_, i) => `a-${i}`));
      assert.deepEqual(back[0], { key: 'a-0', value: { n: 0 }, headers: { tenant: 'acme', 'x-flowtracer-redriven': '1', traceparent: back[0]!.headers.traceparent } });
      assert.equal(Object.keys(back[0]!.headers).some((h) => h.startsWith('x-death') || h.startsWith('x-first-death')), false);
      // The dead-letter queue holds exactly what was not picked. Their order is RabbitMQ's: a requeued
      // message goes back to its old place only when the broker can (a nack racing later deliveries cannot).
      const left = await drain(ch, dlq);
      assert.deepEqual(left.map((m) => m.key).sort(), ['a-tired', ...Array.from({ length: 20 }, (_, i) => `b-${i}`)].sort());
      assert.deepEqual(await drain(ch, workB), []);

      // An ordinary run: show reads it again from the flow the redrive wrote.
      const show = await runCli(['show', result.runId, '--runs-dir', runsDir, '--json']);
      assert.equal(show.code, 0, show.stderr);
      assert.equal(lastJson<RunDetails>(show).summary.status, 'succeeded');
    } finally {
      for (const q of [dlq, workA, workB]) await ch.deleteQueue(q).catch(() => undefined);
      await ch.deleteExchange(dlx).catch(() => undefined);
      await admin.close();
    }
  });

  it('moves only the dead letters a search matches (--grep, --key, --header); the others stay', async () => {
    const [dlx, dlq, work] = ['sdlx', 'sdlq', 'swork'].map((n) => `ft-redrive-${n}-${tag}`) as [string, string, string];
    const connection = await amqp.connect(amqpUrl());
    const channel = await connection.createConfirmChannel();
    try {
      await deadLetterQueues(channel, dlx, dlq, [work]);
      for (let i = 0; i < 6; i++) channel.sendToQueue(work, Buffer.from(JSON.stringify({ n: i })), { messageId: `s-${i}`, persistent: true, headers: { tenant: i < 3 ? 'acme' : 'other' } });
      await channel.waitForConfirms();
      const { consumerTag } = await channel.consume(work, (m) => m && channel.reject(m, false), { noAck: false });
      await until('the dead letters', async () => ((await channel.checkQueue(dlq)).messageCount === 6 ? true : undefined));
      await channel.cancel(consumerTag);
      const file = join(dir, 'search.flow.yaml');
      writeFileSync(file, `flow: redrive-search-${tag}\ncomponents:\n  DeadLetters: { type: mq, url: "\${env:FLOWTRACER_TEST_AMQP_URL}", queue: ${dlq} }\n  Work: { type: mq, url: "\${env:FLOWTRACER_TEST_AMQP_URL}", queue: ${work} }\n`);
      const dry = await runCli(['redrive', file, 'DeadLetters', '--header', 'tenant=other', '--dry-run', '--json']);
      assert.equal(dry.code, 0, dry.stderr);
      assert.deepEqual(lastJson<{ groups: unknown[] }>(dry).groups, [{ origin: `mq:${work}`, reason: 'rejected', count: 3, tooOften: 0, to: 'Work' }]);
      const moved = await runCli(['redrive', file, 'DeadLetters', '--grep', '"n":4', '--runs-dir', runsDir, '--json']);
      assert.equal(moved.code, 0, moved.stderr);
      assert.deepEqual((await drain(channel, work)).map((m) => m.key), ['s-4']);
      assert.deepEqual((await drain(channel, dlq)).map((m) => m.key).sort(), ['s-0', 's-1', 's-2', 's-3', 's-5']);
    } finally {
      for (const q of [dlq, work]) await channel.deleteQueue(q).catch(() => undefined);
      await channel.deleteExchange(dlx).catch(() => undefined);
      await connection.close();
    }
  });

  it('moves a Kafka DLT\'s Spring, Kafka Connect and x-original-topic dead letters to their topics exactly once', async () => {
    const [dlt, orders, payments] = ['dlt', 'orders', 'payments'].map((n) => `ft-redrive-${n}-${tag}`) as [string, string, string];
    const kafka = new Kafka({ clientId: 'ft-redrive-test', brokers: kafkaBrokers().split(','), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      for (const topic of [dlt, orders, payments]) await createTopic(admin, { topic, numPartitions: 2 });
      const int32 = (n: number) => { const b = Buffer.alloc(4); b.writeInt32BE(n); return b; };
      const int64 = (n: number) => { const b = Buffer.alloc(8); b.writeBigInt64BE(BigInt(n)); return b; };
      const spring = (i: number): IHeaders => ({ 'kafka_dlt-original-topic': orders, 'kafka_dlt-original-partition': int32(1), 'kafka_dlt-original-offset': int64(100 + i), 'kafka_dlt-exception-message': 'Listener failed; nested exception is bad payload', 'kafka_dlt-exception-fqcn': 'org.springframework.kafka.listener.ListenerExecutionFailedException', 'app-trace': `s-${i}` });
      const connect = (i: number): IHeaders => ({ '__connect.errors.topic': payments, '__connect.errors.partition': '0', '__connect.errors.offset': String(i), '__connect.errors.exception.message': 'Converting byte[] to Kafka Connect data failed', '__connect.errors.connector.name': 'pg-sink' });
      const original = (i: number): IHeaders => ({ 'x-original-topic': orders, 'x-exception-message': 'timeout', 'app-trace': `x-${i}` });
      const messages = [
        ...Array.from({ length: 12 }, (_, i) => ({ key: `spring-${i}`, value: JSON.stringify({ s: i }), headers: spring(i) })),
        ...Array.from({ length: 8 }, (_, i) => ({ key: `connect-${i}`, value: JSON.stringify({ c: i }), headers: connect(i) })),
        ...Array.from({ length: 5 }, (_, i) => ({ key: `original-${i}`, value: JSON.stringify({ o: i }), headers: original(i) })),
        { key: 'plain', value: '{"plain":true}', headers: { 'app-trace': 'p' } },
      ];
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic: dlt, acks: -1, messages });
      await producer.disconnect();
      const file = join(dir, 'dlt.flow.yaml');
      const component = (topic: string) => `{ type: kafka, brokers: ["\${env:FLOWTRACER_TEST_KAFKA_BROKERS}"], topic: ${topic} }`;
      writeFileSync(file, `flow: redrive-kafka-${tag}\ncomponents:\n  DLT: ${component(dlt)}\n  Orders: ${component(orders)}\n  Payments: ${component(payments)}\n`);

      const dry = await runCli(['redrive', file, 'DLT', '--dry-run', '--json']);
      assert.equal(dry.code, 0, dry.stderr);
      assert.deepEqual(lastJson(dry), {
        dryRun: true,
        groups: [
          { origin: `kafka:${orders}`, reason: 'Listener failed; nested exception is bad payload', count: 12, tooOften: 0, to: 'Orders' },
          { origin: `kafka:${payments}`, reason: 'Converting byte[] to Kafka Connect data failed', count: 8, tooOften: 0, to: 'Payments' },
          { origin: `kafka:${orders}`, reason: 'timeout', count: 5, tooOften: 0, to: 'Orders' },
        ],
        notDeadLetters: 1,
      });

      // Orders' two reasons go in one run, Payments' in another; only the timeouts are kept out.
      const moved = await runCli(['redrive', file, 'DLT', '--reason', 'Listener failed; nested exception is bad payload', '--reason', 'Converting byte[] to Kafka Connect data failed', '--runs-dir', runsDir]);
      assert.equal(moved.code, 0, moved.stderr);
      const inOrders = await readTopic(orders);
      assert.deepEqual(inOrders.map((m) => m.key).sort(), Array.from({ length: 12 }, (_, i) => `spring-${i}`).sort());
      const first = inOrders.find((m) => m.key === 'spring-0')!;
      assert.deepEqual(first.value, { s: 0 });
      assert.deepEqual(Object.keys(first.headers).sort(), ['app-trace', 'traceparent', 'x-flowtracer-redriven']);
      assert.equal(first.headers['x-flowtracer-redriven'], '1');
      const inPayments = await readTopic(payments);
      assert.deepEqual(inPayments.map((m) => m.key).sort(), Array.from({ length: 8 }, (_, i) => `connect-${i}`).sort());
      assert.equal(Object.keys(inPayments[0]!.headers).some((h) => h.startsWith('__connect.errors.')), false);

      // Kept headers, by choice.
      const kept = await runCli(['redrive', file, 'DLT', '--reason', 'timeout', '--keep-headers', '--runs-dir', runsDir]);
      assert.equal(kept.code, 0, kept.stderr);
      const timeouts = (await readTopic(orders)).filter((m) => m.key?.startsWith('original-'));
      assert.equal(timeouts.length, 5);
      assert.equal(timeouts[0]!.headers['x-original-topic'], orders);
      assert.equal(timeouts[0]!.headers['x-exception-message'], 'timeout');
    } finally {
      await admin.deleteTopics({ topics: [dlt, orders, payments] }).catch(() => undefined);
      await admin.disconnect();
    }
  });
});
