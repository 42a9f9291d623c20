// Traces a real Zipkin server can show: a kafka→mq→service→database run exported by the CLI with OTEL_TRACES_EXPORTER=zipkin.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResult } from '../../../executor/engine';
import { parseTraceparent } from '../../../executor/tracing';
import { readJournalRecords } from '../../../protocol/journal-files';
import { freePort } from '../../support/kafka-broker';
import { zipkinServer, zipkinTrace, type RunningZipkin, type ZipkinSpan } from '../../support/zipkin-server';
import { deleteQueue, produce } from './broker-clients';
import { lastJson, runCli } from './cli-process';
import { kafkaToMqFlow } from './flow-texts';
import { RecordingHttpServer, type RecordedRequest } from './recording-http-server';
import { useScratchTables } from './scratch-tables';

/** What the order service does with a traceparent it receives: its own server span, posted to Zipkin as a child of the caller's. */
function serverSpan(zipkin: RunningZipkin, request: RecordedRequest, serviceName: string): Promise<void> {
  const parent = parseTraceparent(String(request.headers.traceparent ?? ''));
  if (!parent) return Promise.resolve();
  const span = {
    traceId: parent.traceId, parentId: parent.spanId, id: randomBytes(8).toString('hex'), name: 'post /orders', kind: 'SERVER',
    timestamp: request.at * 1000, duration: 500, localEndpoint: { serviceName }, tags: { 'http.request.method': 'POST', 'http.route': '/orders' },
  };
  return fetch(`${zipkin.url}/api/v2/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([span]) }).then((r) => {
    assert.equal(r.status, 202);
  });
}

describe('OpenTelemetry traces in a real Zipkin @kafka', function () {
  this.timeout(180_000);
  const tag = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const topic = `ft-traced-${tag}`;
  const queue = `ft-traced-${tag}`;
  const serviceName = `flowtracer-${tag}`;
  const tables = useScratchTables(tag);
  let zipkin: RunningZipkin;
  let dir: string;
  let service: RecordingHttpServer;
  const posted: Promise<void>[] = [];
  const orders = Array.from({ length: 3 }, (_, i) => ({ key: `order-${i}`, value: { orderId: i, note: `payload-only-${tag}` } }));

  before(async () => {
    zipkin = await zipkinServer();
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ft-zipkin-'));
  });
  afterEach(async () => {
    await service?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  after(async () => {
    await deleteQueue(queue);
    await deleteQueue(`${queue}-dead`);
  });

  it('exports one trace per message with every hop in order, the messaging, HTTP and database attributes, and the service\'s own span as a child', async () => {
    const table = await tables.create('traced', 'order_id integer NOT NULL, status text NOT NULL');
    await produce(topic, orders);
    service = new RecordingHttpServer((request) => {
      posted.push(serverSpan(zipkin, request, `order-service-${tag}`));
      const order = JSON.parse(request.body) as { orderId: number };
      return { status: 200, body: JSON.stringify({ orderId: order.orderId, status: 'accepted' }) };
    });
    const serviceUrl = await service.start('/orders');
    const flow = join(dir, 'traced.flow.yaml');
    writeFileSync(flow, `flow: traced
components:
  Orders:
    type: kafka
    brokers: ["\${env:FLOWTRACER_TEST_KAFKA_BROKERS}"]
    topic: ${topic}
  Intake:
    type: mq
    url: "\${env:FLOWTRACER_TEST_AMQP_URL}"
    queue: ${queue}
  OrderService:
    type: service
    url: ${serviceUrl}
    timeout: 5s
  OrderDB:
    type: database
    url: "\${env:FLOWTRACER_TEST_PG_URL}"
connections:
  - from: Orders
    to: Intake
    select: { from: earliest, until: end }
  - from: Intake
    to: OrderService
    select: { until: empty }
  - from: OrderService
    to: OrderDB
    operation: insert
    table: ${table}
    columns: { order_id: $.orderId, status: $.status }
`);
    const outcome = await runCli(['run', flow, '--runs-dir', join(dir, 'runs'), '--json'], {
      ...process.env, OTEL_TRACES_EXPORTER: 'zipkin', OTEL_EXPORTER_ZIPKIN_ENDPOINT: `${zipkin.url}/api/v2/spans`, OTEL_SERVICE_NAME: serviceName,
    });
    assert.equal(outcome.code, 0, outcome.stderr);
    await Promise.all(posted);
    const { result } = lastJson<{ result: RunResult }>(outcome);
    const firstHops = (await readJournalRecords(result.directory, ['delivered'])).filter((r) => r.connection === 'Orders -> Intake');
    assert.deepEqual(firstHops.map((r) => r.key).sort(), ['order-0', 'order-1', 'order-2']);
    assert.equal(new Set(firstHops.map((r) => r.traceId)).size, 3, 'one trace per message');

    for (const hop of firstHops) {
      const spans = await zipkinTrace(zipkin, hop.traceId, 7);
      const chain = ['process', 'publish', 'process', 'post', 'post /orders', 'process', 'insert'];
      // Each hop is the child of the one before: the service's reply travels on under the service call.
      const root = spans.find((s) => s.parentId === undefined);
      assert.ok(root, `a root span in trace ${hop.traceId}: ${JSON.stringify(spans.map((s) => s.name))}`);
      const childOf = (parent: ZipkinSpan, name: string): ZipkinSpan => {
        const child = spans.find((s) => s.parentId === parent.id && s.name.startsWith(name));
        assert.ok(child, `a child '${name}…' of '${parent.name}' in ${JSON.stringify(spans.map((s) => [s.name, s.id, s.parentId]))}`);
        return child;
      };
      const consume = childOf(childOf(root, 'publish'), 'process');
      const call = childOf(consume, 'post');
      const serverSide = childOf(call, 'post /orders');
      const reply = childOf(call, 'process');
      const insert = childOf(reply, 'insert');
      const ordered = [root, childOf(root, 'publish'), consume, call, serverSide, reply, insert];
      assert.equal(spans.length, 7);
      assert.deepEqual(ordered.map((s) => s.name.split(' ')[0]), chain.map((n) => n.split(' ')[0]));
      assert.deepEqual(ordered.map((s) => s.name), [`process ${topic}`, `publish amq.default:${queue}`, `process ${queue}`, 'post', 'post /orders', 'process orderservice reply', `insert ${table}`]);
      assert.deepEqual(ordered.map((s) => s.kind), ['CONSUMER', 'PRODUCER', 'CONSUMER', 'CLIENT', 'SERVER', 'CONSUMER', 'CLIENT']);
      assert.deepEqual(ordered.map((s) => s.localEndpoint?.serviceName), [serviceName, serviceName, serviceName, serviceName, `order-service-${tag}`, serviceName, serviceName]);
      for (let i = 1; i < ordered.length; i++) assert.ok(ordered[i]!.timestamp >= ordered[i - 1]!.timestamp, `${ordered[i]!.name} starts after ${ordered[i - 1]!.name}`);

      const [kafka, publish, mq, post, , , db] = ordered.map((s) => s.tags ?? {});
      const order = orders.find((o) => o.key === hop.key)!;
      assert.deepEqual(pick(kafka!, 'messaging.system', 'messaging.operation.type', 'messaging.operation.name', 'messaging.destination.name', 'messaging.kafka.message.key', 'messaging.message.body.size', 'server.address'), {
        'messaging.system': 'kafka', 'messaging.operation.type': 'process', 'messaging.operation.name': 'process', 'messaging.destination.name': topic,
        'messaging.kafka.message.key': hop.key!, 'messaging.message.body.size': String(JSON.stringify(order.value).length), 'server.address': '127.0.0.1',
      });
      assert.equal(`${topic}/${kafka!['messaging.destination.partition.id']}@${kafka!['messaging.kafka.offset']}`, hop.source);
      assert.deepEqual(pick(publish!, 'messaging.system', 'messaging.operation.type', 'messaging.operation.name', 'messaging.destination.name', 'messaging.rabbitmq.destination.routing_key', 'messaging.message.id', 'server.address', 'server.port'), {
        'messaging.system': 'rabbitmq', 'messaging.operation.type': 'send', 'messaging.operation.name': 'publish', 'messaging.destination.name': `amq.default:${queue}`,
        'messaging.rabbitmq.destination.routing_key': queue, 'messaging.message.id': hop.key!, 'server.address': '127.0.0.1', 'server.port': '5672',
      });
      assert.deepEqual(pick(mq!, 'messaging.system', 'messaging.operation.type', 'messaging.destination.name', 'messaging.message.id'), {
        'messaging.system': 'rabbitmq', 'messaging.operation.type': 'process', 'messaging.destination.name': queue, 'messaging.message.id': hop.key!,
      });
      assert.match(mq!['messaging.rabbitmq.message.delivery_tag'] ?? '', /^\d+$/);
      assert.deepEqual(pick(post!, 'http.request.method', 'url.full', 'http.response.status_code', 'server.address'), {
        'http.request.method': 'POST', 'url.full': serviceUrl, 'http.response.status_code': '200', 'server.address': '127.0.0.1',
      });
      assert.deepEqual(pick(db!, 'db.system.name', 'db.namespace', 'db.collection.name', 'db.operation.name'), {
        'db.system.name': 'postgresql', 'db.namespace': new URL(process.env.FLOWTRACER_TEST_PG_URL!).pathname.slice(1), 'db.collection.name': table, 'db.operation.name': 'INSERT',
      });
      assert.ok(!JSON.stringify(spans).includes(`payload-only-${tag}`), 'no payload in any span');
    }
    assert.deepEqual((await tables.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n, '3');
  });

  it('does not fail a run whose collector is down, and counts the dropped spans once in the log', async () => {
    const deadTopic = `${topic}-dead`;
    await produce(deadTopic, orders);
    const flow = join(dir, 'dead.flow.yaml');
    writeFileSync(flow, kafkaToMqFlow('dead-collector', deadTopic, `${queue}-dead`));
    const closed = await freePort();
    const outcome = await runCli(['run', flow, '--runs-dir', join(dir, 'runs')], {
      ...process.env, OTEL_TRACES_EXPORTER: 'zipkin', OTEL_EXPORTER_ZIPKIN_ENDPOINT: `http://127.0.0.1:${closed}/api/v2/spans`,
    });
    assert.equal(outcome.code, 0, outcome.stderr);
    const lines = outcome.stderr.split('\n').filter((l) => l.includes('tracing:'));
    assert.deepEqual(lines, [`  warn: tracing: 6 spans could not be exported to zipkin at http://127.0.0.1:${closed}/api/v2/spans and were dropped (connect ECONNREFUSED 127.0.0.1:${closed})`]);
  });
});

function pick(tags: Readonly<Record<string, string>>, ...names: string[]): Record<string, string | undefined> {
  return Object.fromEntries(names.map((n) => [n, tags[n]]));
}
