import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnector } from '../../../executor/connectors/registry';
import { startRun, type EngineDeps } from '../../../executor/engine';
import { environmentSecrets } from '../../../executor/values';
import type { ExecutorEvent } from '../../../protocol/executor-events';
import { deleteQueue, drainQueue, fillQueue, produce, readTopic } from './broker-clients';

const SECRET = 'guest';

describe('engine end to end between real brokers', () => {
  let dir: string;
  let events: ExecutorEvent[];
  const tag = `${Date.now().toString(36)}`;
  const deps = (): EngineDeps => ({
    connectors: createConnector, env: process.env, secrets: environmentSecrets({ FLOWTRACER_SECRET_RABBIT: SECRET }),
    emit: (e) => events.push(e), runsDir: join(dir, 'runs'), signal: AbortSignal.timeout(60_000),
  });
  const amqpWithSecret = () => process.env.FLOWTRACER_TEST_AMQP_URL!.replace(/:\/\/([^:]+):[^@]+@/, '://$1:${secret:rabbit}@');
  const flow = (name: string, components: string, connections: string): string => {
    const file = join(dir, `${name}.flow.yaml`);
    writeFileSync(file, `flow: ${name}\ndefaults:\n  retry: { strategy: fixed, delay: 100ms, maxAttempts: 2 }\ncomponents:\n${components}\nconnections:\n${connections}\n`);
    return file;
  };
  const kafkaComponent = (name: string, topic: string) => `  ${name}:\n    type: kafka\n    brokers: ["\${env:FLOWTRACER_TEST_KAFKA_BROKERS}"]\n    topic: ${topic}\n`;
  const mqComponent = (name: string, queue: string) => `  ${name}:\n    type: mq\n    url: "${amqpWithSecret()}"\n    queue: ${queue}\n`;
  const orders = Array.from({ length: 50 }, (_, i) => ({ key: `order-${i}`, value: { orderId: i } }));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ft-e2e-'));
    events = [];
  });
  afterEach(() => {
    const runs = existsSync(join(dir, 'runs')) ? readdirSync(join(dir, 'runs'), { withFileTypes: true }) : [];
    for (const runDir of runs.filter((d) => d.isDirectory())) {
      for (const file of readdirSync(join(dir, 'runs', runDir.name))) {
        assert.ok(!readFileSync(join(dir, 'runs', runDir.name, file), 'utf8').includes(`:${SECRET}@`), `${file} has the secret`);
      }
    }
    assert.ok(!JSON.stringify(events).includes(`:${SECRET}@`));
    rmSync(dir, { recursive: true, force: true });
  });

  it('kafka→mq delivers every message once with a traceparent, committing offsets @kafka', async () => {
    const topic = `orders-${tag}-a`;
    const queue = `ft-orders-${tag}-a`;
    await produce(topic, orders);
    await fillQueue(queue, []);
    const file = flow('kafka-to-mq', kafkaComponent('Orders', topic) + mqComponent('OrderQueue', queue), '  - from: Orders\n    to: OrderQueue\n    select: { from: earliest, until: end }');
    const result = await startRun(file, {}, deps());
    assert.equal(result.status, 'succeeded', result.error);
    assert.deepEqual(result.reconciliation.map((r) => [r.read, r.delivered, r.parked, r.filtered]), [[50, 50, 0, 0]]);
    const delivered = await drainQueue(queue);
    assert.equal(delivered.length, 50);
    assert.ok(delivered.every((m) => /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/.test(String(m.headers.traceparent))));
    await deleteQueue(queue);
  });

  it('mq→mq moves a queue into another until it is empty', async () => {
    const from = `ft-in-${tag}`;
    const to = `ft-out-${tag}`;
    await fillQueue(from, orders.slice(0, 20));
    await fillQueue(to, []);
    const file = flow('mq-to-mq', mqComponent('In', from) + mqComponent('Out', to), '  - from: In\n    to: Out\n    select: { until: empty }');
    const result = await startRun(file, {}, deps());
    assert.equal(result.status, 'succeeded', result.error);
    assert.deepEqual(result.reconciliation.map((r) => [r.read, r.delivered]), [[20, 20]]);
    assert.equal((await drainQueue(to)).length, 20);
    assert.deepEqual(await drainQueue(from), []);
    await deleteQueue(from);
    await deleteQueue(to);
  });

  it('mq→kafka and kafka→kafka keep the trace id across both hops @kafka', async () => {
    const queue = `ft-src-${tag}`;
    const mid = `mid-${tag}`;
    const last = `last-${tag}`;
    await fillQueue(queue, orders.slice(0, 10));
    await produce(mid, []);
    await produce(last, []);
    const file = flow('mq-kafka-kafka', mqComponent('Src', queue) + kafkaComponent('Mid', mid) + kafkaComponent('Last', last),
      '  - from: Src\n    to: Mid\n    select: { until: empty }\n  - from: Mid\n    to: Last\n    select: { from: earliest, until: end }');
    const result = await startRun(file, {}, deps());
    assert.equal(result.status, 'succeeded', result.error);
    const midMessages = await readTopic(mid);
    const lastMessages = await readTopic(last);
    assert.equal(midMessages.length, 10);
    assert.equal(lastMessages.length, 10);
    const traceIds = (list: { headers: Record<string, string> }[]) => list.map((m) => m.headers.traceparent!.split('-')[1]).sort();
    assert.deepEqual(traceIds(lastMessages), traceIds(midMessages));
    await deleteQueue(queue);
  });

  it('mq→kafka into a topic that does not exist yet: the pre-flight accepts it, the run creates it and delivers every message @kafka', async () => {
    const queue = `ft-new-topic-${tag}`;
    const topic = `created-by-run-${tag}`;
    await fillQueue(queue, orders.slice(0, 10));
    const file = flow('mq-to-new-topic', mqComponent('Src', queue) + kafkaComponent('Fresh', topic), '  - from: Src\n    to: Fresh\n    select: { until: empty }');
    const result = await startRun(file, {}, deps());
    assert.equal(result.status, 'succeeded', result.error);
    assert.deepEqual((await readTopic(topic)).map((m) => m.key).sort(), orders.slice(0, 10).map((o) => o.key).sort());
    await deleteQueue(queue);
  });
});
