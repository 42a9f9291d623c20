// End to end through a real HTTP service into real PostgreSQL: delivery, parking, retry of one component, dry-run.
import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createConnector } from '../../../executor/connectors/registry';
import { retryRun, startRun, type EngineDeps } from '../../../executor/engine';
import { environmentSecrets } from '../../../executor/values';
import { deleteQueue, drainQueue, fillQueue } from './broker-clients';

/** A local order service: answers 503 while `down`, else echoes the order with a status. */
class OrderService {
  down = false;
  received: number[] = [];
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        if (request.method !== 'POST') {
          response.writeHead(204).end(); // the pre-flight reaches the service with HEAD
          return;
        }
        const order = JSON.parse(body) as { orderId: number };
        this.received.push(order.orderId);
        if (this.down) {
          response.writeHead(503).end('down');
          return;
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ orderId: order.orderId, status: 'accepted' }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/orders`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

describe('engine end to end through a service into PostgreSQL', () => {
  const tag = Date.now().toString(36);
  const table = `ft_orders_${tag}`;
  const queue = `ft-intake-${tag}`;
  let dir: string;
  let db: Client;
  let service: OrderService;
  let serviceUrl: string;
  const orders = Array.from({ length: 12 }, (_, i) => ({ key: `order-${i}`, value: { orderId: i } }));
  const deps = (): EngineDeps => ({
    connectors: createConnector, env: process.env, secrets: environmentSecrets({}),
    emit: () => undefined, runsDir: join(dir, 'runs'), signal: AbortSignal.timeout(60_000),
  });
  const flowFile = (): string => {
    const file = join(dir, 'intake.flow.yaml');
    writeFileSync(file, `flow: intake
defaults:
  retry: { strategy: fixed, delay: 50ms, maxAttempts: 2 }
components:
  Intake:
    type: mq
    url: "\${env:FLOWTRACER_TEST_AMQP_URL}"
    queue: ${queue}
  OrderService:
    type: service
    url: ${serviceUrl}
    timeout: 2s
  OrderDB:
    type: database
    url: "\${env:FLOWTRACER_TEST_PG_URL}"
connections:
  - from: Intake
    to: OrderService
    select: { until: empty }
  - from: OrderService
    to: OrderDB
    operation: insert
    table: ${table}
    columns: { order_id: $.orderId, status: $.status }
`);
    return file;
  };
  const rows = async (): Promise<Array<[number, string]>> =>
    (await db.query<{ order_id: number; status: string }>(`SELECT order_id, status FROM ${table} ORDER BY order_id`)).rows.map((r) => [r.order_id, r.status]);

  before(async () => {
    db = new Client({ connectionString: process.env.FLOWTRACER_TEST_PG_URL });
    await db.connect();
    await db.query(`CREATE TABLE ${table} (order_id integer NOT NULL, status text NOT NULL)`);
  });
  after(async () => {
    await db.query(`DROP TABLE IF EXISTS ${table}`);
    await db.end();
    await deleteQueue(queue);
  });
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ft-svc-db-'));
    service = new OrderService();
    serviceUrl = await service.start();
    await db.query(`TRUNCATE ${table}`);
    await fillQueue(queue, orders);
  });
  afterEach(async () => {
    await service.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers every queued order through the service into the table, acking the queue', async () => {
    const result = await startRun(flowFile(), {}, deps());
    assert.equal(result.status, 'succeeded', result.error);
    assert.deepEqual(result.reconciliation.map((r) => [r.read, r.delivered, r.parked, r.filtered]), [[12, 12, 0, 0], [12, 12, 0, 0]]);
    assert.deepEqual(await rows(), orders.map((o) => [o.value.orderId, 'accepted']));
    assert.deepEqual(await drainQueue(queue), []);
  });

  it('parks the orders a down service refused, then retry delivers exactly those downstream', async () => {
    service.down = true;
    const failed = await startRun(flowFile(), {}, deps());
    assert.equal(failed.status, 'failed');
    assert.equal(failed.parked, 12);
    assert.deepEqual(await rows(), []);
    // Parked messages live in the journal: the queue was acked only after they were safely journaled.
    assert.deepEqual(await drainQueue(queue), []);
    assert.equal(service.received.length, 24, 'two attempts per order, as the fixed strategy says');

    service.down = false;
    service.received = [];
    const retried = await retryRun(failed.runId, 'OrderService', deps());
    assert.equal(retried.status, 'succeeded', retried.error);
    assert.deepEqual([...service.received].sort((a, b) => a - b), orders.map((o) => o.value.orderId));
    assert.deepEqual(await rows(), orders.map((o) => [o.value.orderId, 'accepted']));
  });

  it('writes nothing anywhere in dry-run and leaves the queue as it was', async () => {
    const result = await startRun(flowFile(), { mode: 'dry-run' }, deps());
    assert.equal(result.status, 'succeeded', result.error);
    assert.deepEqual(service.received, []);
    assert.deepEqual(await rows(), []);
    assert.equal((await drainQueue(queue)).length, 12);
  });
});
