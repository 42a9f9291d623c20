// RabbitMQ drops a running flow's connections (`rabbitmqctl close_connection`, only the run's, found by name): it reconnects and nothing is lost.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import amqp from 'amqplib';
import { createConnector } from '../../../executor/connectors/registry';
import { startRun, type EngineDeps } from '../../../executor/engine';
import { readJournal } from '../../support/run-folders';
import { inDoubtWindow } from '../../../executor/run-inspection';
import { environmentSecrets } from '../../../executor/values';

const COUNT = 3000;

/** rabbitmqctl on the local node (root can run it): the broker-side tool an operator would use. */
async function rabbitmqctl(...args: string[]): Promise<string> {
  return (await promisify(execFile)('rabbitmqctl', ['--quiet', ...args], { timeout: 30_000 })).stdout;
}

/** Publishes keys `k<from>`..`k<to - 1>` to the queue (persistent, confirmed), `batch` at a time while `more()` says so; never purges. Resolves the next key. */
async function publishKeys(url: string, queue: string, from: number, to: number, pace?: { batch: number; everyMs: number; more: () => boolean }): Promise<number> {
  const connection = await amqp.connect(url);
  const channel = await connection.createConfirmChannel();
  await channel.assertQueue(queue, { durable: true });
  const body = 'x'.repeat(500);
  let next = from;
  while (next < to && (!pace || pace.more())) {
    const end = Math.min(to, next + (pace?.batch ?? to));
    for (; next < end; next++) channel.sendToQueue(queue, Buffer.from(JSON.stringify({ i: next, body })), { messageId: `k${next}`, persistent: true });
    await channel.waitForConfirms();
    if (pace) await sleep(pace.everyMs);
  }
  await connection.close();
  return next;
}

/** Takes every message off a queue: their keys in arrival order. */
async function drainKeys(url: string, queue: string): Promise<string[]> {
  const connection = await amqp.connect(url);
  const channel = await connection.createChannel();
  const keys: string[] = [];
  for (let got = await channel.get(queue, { noAck: true }); got; got = await channel.get(queue, { noAck: true })) keys.push(String(got.properties.messageId));
  await connection.close();
  return keys;
}

describe('RabbitMQ drops the connections of a running mq→mq run', function () {
  this.timeout(90_000);
  const tag = randomBytes(4).toString('hex');
  const source = `ft-drop-in-${tag}`;
  const target = `ft-drop-out-${tag}`;
  let url: string;
  let dir: string;

  before(() => {
    url = process.env.FLOWTRACER_TEST_AMQP_URL!;
    dir = mkdtempSync(join(tmpdir(), 'ft-drop-'));
  });

  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    const connection = await amqp.connect(url);
    const channel = await connection.createChannel();
    for (const queue of [source, target]) await channel.deleteQueue(queue);
    await connection.close();
  });

  it('reconnects and finishes: every key arrives, duplicates only within the in-doubt window the journal reports', async () => {
    // A steady trickle into the source keeps messages in flight when the drop lands (the test's own connection stays open);
    // the run is bounded by a 60 s signal: a hang ends it 'stopped' and fails the test.
    let dropped = false;
    const feeding = publishKeys(url, source, 0, COUNT - 300, { batch: 10, everyMs: 50, more: () => !dropped });
    const file = join(dir, 'drop.flow.yaml');
    writeFileSync(file, `flow: mq-drop
defaults:
  retry: { strategy: fixed, delay: 200ms, maxAttempts: 10, jitter: none }
components:
  In:
    type: mq
    url: "\${env:DROP_AMQP_URL}"
    queue: ${source}
  Out:
    type: mq
    url: "\${env:DROP_AMQP_URL}"
    queue: ${target}
connections:
  - from: In
    to: Out
    select: { limit: ${COUNT} }
`);
    let delivered = 0;
    let reached: (() => void) | undefined;
    const midRun = new Promise<void>((resolve) => (reached = resolve));
    const deps: EngineDeps = {
      connectors: createConnector, env: { ...process.env, DROP_AMQP_URL: url }, secrets: environmentSecrets({}),
      emit: (event) => {
        if (event.type === 'message-delivered' && ++delivered === 300) reached?.();
      },
      runsDir: join(dir, 'runs'), signal: AbortSignal.timeout(60_000),
    };
    const run = startRun(file, {}, deps);
    // The run cannot finish before the drop: it waits for the last messages, published only after it.
    const early = await Promise.race([midRun, run]);
    assert.equal(early, undefined, `the run ended before the drop: ${JSON.stringify(early)}`);
    // Only this run's connections, by the names the connector gives them: other runs share the broker.
    const listed = await rabbitmqctl('list_connections', '--no-table-headers', 'pid', 'client_properties');
    const before = [...listed.matchAll(/^(<[^>]+>)\t.*\{"connection_name","(flowtracer [^"]+)"\}/gm)]
      .map((m) => ({ pid: m[1]!, name: m[2]!.split(' ').slice(0, 3).join(' ') }))
      .filter((c) => c.name === `flowtracer In ${source}` || c.name === `flowtracer Out ${target}`);
    assert.deepEqual(before.map((c) => c.name).sort(), [`flowtracer In ${source}`, `flowtracer Out ${target}`], 'one named connection per component');
    await Promise.all(before.map((c) => rabbitmqctl('close_connection', c.pid, 'flowtracer test: dropped mid-run')));
    dropped = true;
    const deliveredAtDrop = delivered;
    const fed = await feeding;
    // The last messages go in only now: the run can finish only if the reader connected again.
    await publishKeys(url, source, fed, COUNT);
    const result = await run;

    assert.equal(result.status, 'succeeded', result.error);
    const [counts] = result.reconciliation;
    assert.ok(counts && counts.balanced && counts.parked === 0 && counts.read === counts.delivered, JSON.stringify(counts));
    const arrived = await drainKeys(url, target);
    const seen = new Map<string, number>();
    for (const key of arrived) seen.set(key, (seen.get(key) ?? 0) + 1);
    const missing = Array.from({ length: COUNT }, (_, i) => `k${i}`).filter((key) => !seen.has(key));
    assert.deepEqual(missing, [], 'every key arrived');
    const { records } = await readJournal(result.directory);
    const inDoubt = new Set(inDoubtWindow(records).map((m) => m.key));
    const duplicates = [...seen].filter(([, n]) => n > 1).map(([key]) => key);
    assert.deepEqual(duplicates.filter((key) => !inDoubt.has(key)), [], `duplicates outside the in-doubt window (window ${inDoubt.size})`);
    assert.ok(counts.read >= COUNT, `read ${counts.read}: every message at least once`);
    assert.deepEqual(await drainKeys(url, source), [], 'the source queue is empty: every message acked');
    console.log(`      dropped after ${deliveredAtDrop} deliveries${fed < COUNT - 300 ? ', while the source was still being fed' : ''}: ${arrived.length} arrivals of ${COUNT} keys, ${duplicates.length} duplicates, all within the ${inDoubt.size} in-doubt messages the journal reported`);
  });
});
