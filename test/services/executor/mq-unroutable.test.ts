// An mq target whose exchange routes the message to no queue (RabbitMQ returns a mandatory publish): parked as unroutable, the run fails, `retry` delivers once a queue is bound. Through the built CLI.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp from 'amqplib';
import { readJournal } from '../../support/run-folders';
import { runDirectory } from '../../../executor/run-paths';
import type { JournalRecord } from '../../../protocol/journal-records';
import type { RunDetails } from '../../../executor/run-inspection';
import { amqpUrl, deleteQueue, drainQueue, fillQueue } from './broker-clients';
import { CLI, lastJson, runCli } from './cli-process';

type Parked = Extract<JournalRecord, { t: 'parked' }>;
const COUNT = 50;
const keys = Array.from({ length: COUNT }, (_, i) => `order-${i}`);

/** One connection of the test's own to RabbitMQ for declaring, binding and deleting what a test needs. */
async function withChannel<T>(use: (channel: amqp.Channel) => Promise<T>): Promise<T> {
  const connection = await amqp.connect(amqpUrl());
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined); // a failed check closes the channel; the caller sees the rejection
    return await use(channel);
  } finally {
    await connection.close();
  }
}

describe('an mq target that routes the messages to no queue (through the CLI)', function () {
  this.timeout(60_000);
  const tag = randomBytes(4).toString('hex');
  let dir: string;
  let runsDir: string;
  let count = 0;
  let source: string;
  let cleanup: (() => Promise<unknown>)[];

  before(() => assert.ok(existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`));
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ft-unroutable-'));
    runsDir = join(dir, 'runs');
    count++;
    source = `ft-unroutable-in-${tag}-${count}`;
    await fillQueue(source, keys.map((key, i) => ({ key, value: { orderId: i } })));
    cleanup = [() => deleteQueue(source)];
  });
  afterEach(async () => {
    for (const step of cleanup) await step();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Writes an mq→mq flow whose target component has `target` as its settings (YAML lines under it). */
  function flowFile(target: string, retry = '{ strategy: fixed, delay: 20ms, maxAttempts: 3, jitter: none }'): string {
    const file = join(dir, 'unroutable.flow.yaml');
    writeFileSync(file, `flow: unroutable-${count}
defaults:
  retry: ${retry}
components:
  Intake:
    type: mq
    url: "\${env:FLOWTRACER_TEST_AMQP_URL}"
    queue: ${source}
  Out:
    type: mq
    url: "\${env:FLOWTRACER_TEST_AMQP_URL}"
${target}
connections:
  - from: Intake
    to: Out
    select: { until: empty }
`);
    return file;
  }

  /**
   * Runs the flow: it fails (exit 1) with every message parked for `reason` after one attempt, the source
   * acked (nothing left on it) and nothing at the target. Resolves the run's id.
   */
  async function runFailsUnroutable(file: string, reason: string, target: () => Promise<unknown[]>): Promise<string> {
    const run = await runCli(['run', file, '--runs-dir', runsDir, '--json']);
    assert.equal(run.code, 1, run.stderr);
    const { result } = lastJson<{ result: { runId: string; status: string; parked: number; reconciliation: { read: number; delivered: number; parked: number }[] } }>(run);
    assert.equal(result.status, 'failed');
    assert.deepEqual(result.reconciliation.map((r) => [r.read, r.delivered, r.parked]), [[COUNT, 0, COUNT]]);
    const shown = await runCli(['show', result.runId, '--runs-dir', runsDir, '--json']);
    const details = lastJson<RunDetails>(shown);
    assert.equal(details.summary.status, 'failed');
    assert.deepEqual(details.parked.map((p) => [p.key, p.component, p.error]).sort(), keys.map((key) => [key, 'Out', reason]).sort());
    assert.deepEqual(details.inDoubt, [], 'RabbitMQ answered each publish: none may have arrived');
    const { records } = await readJournal(runDirectory(runsDir, result.runId));
    assert.deepEqual([...new Set(records.filter((r): r is Parked => r.t === 'parked').map((p) => p.attempts))], [1], 'an unroutable message is never retried');
    // Nothing acked that is nowhere: the source is empty, every key is parked, none at the target.
    assert.deepEqual(await drainQueue(source), [], 'the source was acked for every parked message');
    assert.deepEqual(await target(), []);
    return result.runId;
  }

  /** `retry RUN` succeeds (exit 0) and the target then holds every key exactly once. */
  async function retryDelivers(runId: string, targetQueue: string): Promise<void> {
    const retry = await runCli(['retry', runId, '--runs-dir', runsDir, '--json']);
    assert.equal(retry.code, 0, retry.stderr);
    assert.equal(lastJson<{ result: { status: string } }>(retry).result.status, 'succeeded');
    // --json prints every event, one `message-delivered` a message among them (the text output builds none).
    const events = retry.stdout.split('\n').filter((line) => line.startsWith('{"type"')).map((line) => JSON.parse(line) as { type: string; key?: string });
    assert.deepEqual(events.filter((e) => e.type === 'message-delivered').map((e) => e.key).sort(), [...keys].sort());
    const arrived = await drainQueue(targetQueue);
    assert.deepEqual(arrived.map((m) => m.key).sort(), [...keys].sort(), 'every parked message arrived exactly once');
    const details = lastJson<RunDetails>(await runCli(['show', runId, '--runs-dir', runsDir, '--json']));
    assert.equal(details.summary.status, 'succeeded');
    assert.deepEqual(details.parked, []);
  }

  it('the default exchange with a routing key naming a queue that does not exist: parked unroutable, delivered by retry once the queue exists', async () => {
    const declared = `ft-unroutable-declared-${tag}`;
    const missing = `ft-unroutable-missing-${tag}`;
    cleanup.push(() => deleteQueue(declared), () => deleteQueue(missing));
    const file = flowFile(`    queue: ${declared}\n    exchange: ""\n    routingKey: ${missing}`);
    const reason = `component Out: unroutable: no queue named ${missing} exists for the default exchange to route to (RabbitMQ returned the message: 312 NO_ROUTE); declare the queue, then \`flowtracer retry\` delivers it (gave up after 1 attempt: not retryable)`;
    const runId = await runFailsUnroutable(file, reason, () => withChannel(async (channel) => ((await channel.checkQueue(declared)).messageCount ? ['in the declared queue'] : [])));
    assert.equal(await withChannel((channel) => channel.checkQueue(missing).then(() => true, () => false)), false, 'the routing key names no queue');
    await withChannel((channel) => channel.assertQueue(missing, { durable: true }));
    await retryDelivers(runId, missing);
  });

  it('a topic exchange whose binding matches no routing key it gets, retryOn listing unroutable: parked after one attempt, delivered by retry once bound', async () => {
    const exchange = `ft-unroutable-x-${tag}`;
    const target = `ft-unroutable-out-${tag}`;
    await withChannel(async (channel) => {
      await channel.assertExchange(exchange, 'topic', { durable: true });
      await channel.assertQueue(target, { durable: true });
      await channel.bindQueue(target, exchange, 'orders.*.eu');
    });
    cleanup.push(() => deleteQueue(target), () => withChannel((channel) => channel.deleteExchange(exchange)));
    const file = flowFile(`    queue: ${target}\n    exchange: ${exchange}\n    routingKey: orders.created`, '{ strategy: fixed, delay: 20ms, maxAttempts: 3, jitter: none, retryOn: [connection, unroutable] }');
    const reason = `component Out: unroutable: exchange ${exchange} has no queue bound for routing key orders.created (RabbitMQ returned the message: 312 NO_ROUTE); bind a queue, then \`flowtracer retry\` delivers it (gave up after 1 attempt: not retryable)`;
    const runId = await runFailsUnroutable(file, reason, () => drainQueue(target));
    await withChannel((channel) => channel.bindQueue(target, exchange, 'orders.#'));
    await retryDelivers(runId, target);
  });
});
