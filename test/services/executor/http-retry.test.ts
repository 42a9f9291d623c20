// Retry schedules against a real failing HTTP service: 500s, 429 with Retry-After, 400, a hanging service; attempts and give-up point.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnector } from '../../../executor/connectors/registry';
import { startRun, type EngineDeps, type RunResult } from '../../../executor/engine';
import { readJournal } from '../../support/run-folders';
import { readSummary } from '../../../protocol/journal-files';
import type { JournalRecord } from '../../../protocol/journal-records';
import { runDetails } from '../../../executor/run-inspection';
import { environmentSecrets } from '../../../executor/values';
import type { ExecutorEvent } from '../../../protocol/executor-events';
import { deleteQueue, drainQueue, fillQueue } from './broker-clients';
import { RecordingHttpServer, type Script } from './recording-http-server';
import { FolderRunStore } from '../../../executor/stores/folder-run-store';

type Parked = Extract<JournalRecord, { t: 'parked' }>;
type Delivered = Extract<JournalRecord, { t: 'delivered' }>;
type Retrying = Extract<ExecutorEvent, { type: 'message-retrying' }>;

describe('retry schedules against a real failing HTTP service', () => {
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  let dir: string;
  let events: ExecutorEvent[];
  let server: RecordingHttpServer | undefined;
  let queue: string;
  let count = 0;
  const order = { orderId: 42, item: 'lamp' };
  const deps = (): EngineDeps => ({
    connectors: createConnector, env: process.env, secrets: environmentSecrets({}),
    emit: (e) => events.push(e), runsDir: join(dir, 'runs'), signal: AbortSignal.timeout(60_000),
  });

  /** Queues one order, serves `script`, and runs the order into the service with `retry` (and `timeout`). */
  async function run(script: Script, retry: string, timeout = '2s'): Promise<RunResult> {
    server = new RecordingHttpServer(script);
    const url = await server.start('/orders');
    await fillQueue(queue, [{ key: 'order-42', value: order }]);
    const file = join(dir, 'retry.flow.yaml');
    writeFileSync(file, `flow: retry-${count}
components:
  Intake:
    type: mq
    url: "\${env:FLOWTRACER_TEST_AMQP_URL}"
    queue: ${queue}
  Flaky:
    type: service
    url: ${url}
    timeout: ${timeout}
    retry: ${retry}
connections:
  - from: Intake
    to: Flaky
    select: { until: empty }
`);
    return startRun(file, {}, deps());
  }
  const retryingEvents = () => events.filter((e): e is Retrying => e.type === 'message-retrying');
  const parkedOf = async (result: RunResult): Promise<Parked[]> => (await readJournal(result.directory)).records.filter((r): r is Parked => r.t === 'parked');
  /** Milliseconds between consecutive requests the server saw. */
  const gaps = () => server!.requests.slice(1).map((r, i) => r.at - server!.requests[i]!.at);

  /** The run failed with the order parked after `attempts` attempts for `reason`, and the queue was acked. */
  async function assertParked(result: RunResult, attempts: number, error: RegExp): Promise<void> {
    assert.equal(result.status, 'failed');
    assert.deepEqual(result.reconciliation.map((r) => [r.read, r.delivered, r.parked]), [[1, 0, 1]]);
    const parked = await parkedOf(result);
    assert.deepEqual(parked.map((p) => [p.component, p.key, p.attempts, JSON.parse(Buffer.from(p.payload!, 'base64').toString()) as unknown]), [['Flaky', 'order-42', attempts, order]]);
    assert.match(parked[0]!.error, error);
    assert.equal((await readSummary(result.directory)).components.Flaky, 'failed');
    assert.deepEqual(await drainQueue(queue), [], 'the parked order is safe in the journal, so the queue was acked');
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ft-http-retry-'));
    events = [];
    count++;
    queue = `ft-retry-${tag}-${count}`;
  });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    await deleteQueue(queue);
    rmSync(dir, { recursive: true, force: true });
  });

  it('retries a service that answers 500 three times and delivers on the fourth attempt', async () => {
    const result = await run((_r, i) => (i < 3 ? { status: 500, body: '{"error":"boom"}' } : { status: 200, body: '{"ok":true}' }),
      '{ strategy: fixed, delay: 30ms, maxAttempts: 5, jitter: none }');
    assert.equal(result.status, 'succeeded', result.error);
    assert.deepEqual(result.reconciliation.map((r) => [r.read, r.delivered, r.parked]), [[1, 1, 0]]);
    assert.equal(server!.requests.length, 4);
    assert.deepEqual(server!.bodies(), Array(4).fill(order));
    assert.equal(new Set(server!.requests.map((r) => r.headers.traceparent)).size, 1, 'every attempt carries the same traceparent');
    assert.deepEqual(retryingEvents().map((e) => [e.attempt, e.waitMs]), [[1, 30], [2, 30], [3, 30]]);
    assert.ok(gaps().every((gap) => gap >= 28), `the waits were honoured: ${gaps().join(', ')} ms`);
    assert.deepEqual(await parkedOf(result), []);
  });

  for (const status of [502, 503, 504]) {
    it(`a gateway's ${status} then a 200: delivered in doubt (the service behind it may have processed the first attempt), in the in-flight window show lists`, async () => {
      const result = await run((_r, i) => (i === 0 ? { status } : { status: 200 }), '{ strategy: fixed, delay: 10ms, maxAttempts: 3, jitter: none }');
      assert.equal(result.status, 'succeeded', result.error);
      assert.equal(server!.requests.length, 2);
      const delivered = (await readJournal(result.directory)).records.filter((r): r is Delivered => r.t === 'delivered');
      assert.deepEqual(delivered.map((d) => [d.key, d.inDoubt]), [['order-42', true]]);
      assert.deepEqual((await runDetails(new FolderRunStore(join(dir, 'runs')), result.runId)).inDoubt.map((d) => d.key), ['order-42']);
    });
  }

  it('a 500 then a 200: delivered, not in doubt (the service itself answered that it failed)', async () => {
    const result = await run((_r, i) => (i === 0 ? { status: 500 } : { status: 200 }), '{ strategy: fixed, delay: 10ms, maxAttempts: 3, jitter: none }');
    assert.equal(result.status, 'succeeded', result.error);
    assert.equal(server!.requests.length, 2);
    const delivered = (await readJournal(result.directory)).records.filter((r): r is Delivered => r.t === 'delivered');
    assert.deepEqual(delivered.map((d) => [d.key, d.inDoubt]), [['order-42', undefined]]);
    assert.deepEqual((await runDetails(new FolderRunStore(join(dir, 'runs')), result.runId)).inDoubt, []);
  });

  it('gives up after maxAttempts 500s with exponential waits, and parks the order with its attempts', async () => {
    const result = await run(() => ({ status: 500 }), '{ strategy: exponential, delay: 10ms, factor: 2, maxDelay: 1s, maxAttempts: 4, jitter: none }');
    assert.equal(server!.requests.length, 4);
    assert.deepEqual(retryingEvents().map((e) => [e.attempt, e.waitMs]), [[1, 10], [2, 20], [3, 40]]);
    await assertParked(result, 4, /answered 500 \(gave up after 4 attempts: max attempts\)$/);
  });

  it('a custom schedule makes one more attempt than its delays, then gives up', async () => {
    const result = await run(() => ({ status: 503 }), '{ strategy: custom, delays: [10ms, 30ms], jitter: none }');
    assert.equal(server!.requests.length, 3);
    assert.deepEqual(retryingEvents().map((e) => [e.attempt, e.waitMs]), [[1, 10], [2, 30]]);
    await assertParked(result, 3, /answered 503 \(gave up after 3 attempts: max attempts\)$/);
  });

  it('honours a 429 Retry-After of one second in real time, then delivers (retryOn written as in the format)', async () => {
    const result = await run((_r, i) => (i === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 }),
      '{ strategy: fixed, delay: 10ms, maxAttempts: 3, jitter: none, retryOn: [timeout, connection, 5xx, 429] }');
    assert.equal(result.status, 'succeeded', result.error);
    assert.equal(server!.requests.length, 2);
    assert.deepEqual(retryingEvents().map((e) => [e.attempt, e.waitMs]), [[1, 1000]]);
    const [wait] = gaps();
    assert.ok(wait! >= 990 && wait! < 5000, `waited ${wait} ms for Retry-After: 1 instead of the 10 ms delay`);
  });

  it('does not retry a 400 (4xx is in the default abortOn): one attempt, parked', async () => {
    const result = await run(() => ({ status: 400, body: '{"error":"bad order"}' }), '{ strategy: fixed, delay: 10ms, maxAttempts: 5, jitter: none }');
    assert.equal(server!.requests.length, 1);
    assert.deepEqual(retryingEvents(), []);
    await assertParked(result, 1, /answered 400 \(gave up after 1 attempt: not retryable\)$/);
  });

  it('abortOn stops a class that would be retried: a 500 with abortOn [5xx] gets one attempt', async () => {
    const result = await run(() => ({ status: 500 }), '{ strategy: fixed, delay: 10ms, maxAttempts: 5, jitter: none, abortOn: [5xx] }');
    assert.equal(server!.requests.length, 1);
    await assertParked(result, 1, /answered 500 \(gave up after 1 attempt: not retryable\)$/);
  });

  it('times out a hanging service after the component timeout, retries the timeout as configured, then parks', async () => {
    const started = Date.now();
    const result = await run(() => 'hang', '{ strategy: fixed, delay: 20ms, maxAttempts: 3, jitter: none }', '150ms');
    assert.equal(server!.requests.length, 3);
    assert.ok(Date.now() - started >= 3 * 150, 'each attempt waited for the timeout');
    assert.deepEqual(retryingEvents().map((e) => [e.attempt, /timed out$/.test(e.error)]), [[1, true], [2, true]]);
    await assertParked(result, 3, /POST http:\/\/127\.0\.0\.1:\d+\/orders timed out \(gave up after 3 attempts: max attempts\)$/);
  });

  it('times out a service that stalls mid-body as a timeout (named, and retried by retryOn [timeout])', async () => {
    const result = await run(() => 'stall', '{ strategy: fixed, delay: 20ms, maxAttempts: 2, jitter: none, retryOn: [timeout] }', '150ms');
    assert.equal(server!.requests.length, 2);
    await assertParked(result, 2, /^component Flaky: POST http:\/\/127\.0\.0\.1:\d+\/orders timed out \(gave up after 2 attempts: max attempts\)$/);
  });

  it('does not retry a timeout that retryOn leaves out', async () => {
    const result = await run(() => 'hang', '{ strategy: fixed, delay: 20ms, maxAttempts: 3, jitter: none, retryOn: [5xx] }', '150ms');
    assert.equal(server!.requests.length, 1);
    await assertParked(result, 1, /timed out \(gave up after 1 attempt: not retryable\)$/);
  });
});
