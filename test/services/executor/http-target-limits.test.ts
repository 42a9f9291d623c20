// HTTP targets through the CLI, a real RabbitMQ queue and a real HTTP server: which message headers reach a request (forwardHeaders), and how much of a response is read (maxResponseBytes).
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJournal } from '../../support/run-folders';
import type { JournalRecord } from '../../../protocol/journal-records';
import { deleteQueue, fillQueue } from './broker-clients';
import { lastJson, runCli } from './cli-process';
import { RecordingHttpServer } from './recording-http-server';

type Parked = Extract<JournalRecord, { t: 'parked' }>;
interface Result { readonly result: { readonly runId: string; readonly status: string } }

/** Headers a message from someone else's queue would like to steer the request with, and one that only describes it. */
const STEERING = { authorization: 'Bearer from-the-message', cookie: 'session=stolen', host: 'evil.example', 'proxy-authorization': 'Basic eA==', 'transfer-encoding': 'chunked', 'x-order-source': 'shop' };

describe('HTTP targets forward only harmless message headers and read bounded responses', function () {
  this.timeout(60_000);
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  let dir: string;
  let server: RecordingHttpServer;
  let serviceUrl: string;
  let queue: string;
  let count = 0;
  const queues: string[] = [];

  before(async () => {
    // `big` orders get a 2 KB answer, the others a small one.
    server = new RecordingHttpServer((r) => ({ status: 200, body: r.body.includes('"big"') ? JSON.stringify({ pad: 'x'.repeat(2048) }) : '{"ok":true}' }));
    serviceUrl = await server.start('/orders');
  });
  after(async () => {
    await server.stop();
    for (const q of queues) await deleteQueue(q);
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ft-http-limits-'));
    queue = `ft-http-limits-${tag}-${++count}`;
    queues.push(queue);
    server.requests.splice(0);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A queue -> service flow; `connection` is extra YAML of the connection, `component` of the service. */
  function flow(connection: string, component = ''): string {
    const file = join(dir, `f${count}.flow.yaml`);
    writeFileSync(file, `flow: http-limits-${count}
components:
  Intake:
    type: mq
    url: "\${env:FLOWTRACER_TEST_AMQP_URL}"
    queue: ${queue}
  Orders:
    type: service
    url: ${serviceUrl}
    headers: { x-api-key: from-the-flow }
    retry: { strategy: fixed, delay: 10ms, maxAttempts: 3 }
${component}connections:
  - from: Intake
    to: Orders
    select: { until: empty }
${connection}`);
    return file;
  }
  const cli = async (file: string) => {
    const runsDir = join(dir, 'runs');
    const out = await runCli(['run', file, '--runs-dir', runsDir, '--json']);
    const { runId } = lastJson<Result>(out).result;
    return { out, runId, records: (await readJournal(join(runsDir, runId))).records };
  };

  it('drops authorization, cookie, host, proxy-* and hop-by-hop headers of a message, and forwards the rest and the flow\'s own', async () => {
    await fillQueue(queue, [{ key: 'order-1', value: { id: 1 }, headers: STEERING }]);
    const { out } = await cli(flow(''));
    assert.equal(out.code, 0, out.stderr);
    const [request] = server.requests;
    assert.equal(request?.headers.authorization, undefined);
    assert.equal(request?.headers.cookie, undefined);
    assert.equal(request?.headers['proxy-authorization'], undefined);
    assert.equal(request?.headers.host, new URL(serviceUrl).host);
    assert.equal(request?.headers['transfer-encoding'], undefined);
    assert.equal(request?.headers['x-order-source'], 'shop');
    assert.equal(request?.headers['x-api-key'], 'from-the-flow');
    assert.equal(request?.body, '{"id":1}');
  });

  it('forwards a guarded header the connection lists in forwardHeaders (any case)', async () => {
    await fillQueue(queue, [{ key: 'order-1', value: { id: 1 }, headers: STEERING }]);
    const { out } = await cli(flow('    forwardHeaders: [Authorization, cookie]\n'));
    assert.equal(out.code, 0, out.stderr);
    const [request] = server.requests;
    assert.equal(request?.headers.authorization, 'Bearer from-the-message');
    assert.equal(request?.headers.cookie, 'session=stolen');
    assert.equal(request?.headers['proxy-authorization'], undefined);
  });

  it('parks a message whose response is larger than the connection\'s maxResponseBytes as a validation error, without retrying it', async () => {
    await fillQueue(queue, [{ key: 'order-1', value: { id: 1 } }, { key: 'order-2', value: { id: 2, big: true } }]);
    const { out, records } = await cli(flow('    maxResponseBytes: 1024\n'));
    assert.equal(out.code, 1, out.stderr);
    const parked = records.filter((r): r is Parked => r.t === 'parked');
    assert.deepEqual(parked.map((p) => [p.key, p.attempts, p.error]), [['order-2', 1, `component Orders: POST ${serviceUrl} answered a body larger than maxResponseBytes (1024 bytes) (gave up after 1 attempt: not retryable)`]]);
    assert.equal(server.requests.length, 2, 'the big one was sent once, not retried');
  });

  it('takes the component\'s maxResponseBytes, and the FLOWTRACER_HTTP_MAX_RESPONSE_BYTES setting below it', async () => {
    await fillQueue(queue, [{ key: 'order-2', value: { id: 2, big: true } }]);
    const { out } = await cli(flow('', '    maxResponseBytes: 4096\n'));
    assert.equal(out.code, 0, `a 2 KB answer is within the component's 4096: ${out.stderr}`);
    await fillQueue(queue, [{ key: 'order-2', value: { id: 2, big: true } }]);
    const runsDir = join(dir, 'runs');
    const small = await runCli(['run', flow(''), '--runs-dir', runsDir, '--json'], { ...process.env, FLOWTRACER_HTTP_MAX_RESPONSE_BYTES: '100' });
    assert.equal(small.code, 1, small.stderr);
    const parked = (await readJournal(join(runsDir, lastJson<Result>(small).result.runId))).records.filter((r): r is Parked => r.t === 'parked');
    assert.match(parked[0]?.error ?? '', /larger than maxResponseBytes \(100 bytes\)/);
  });
});
