// A parked message holding secret values is redelivered by `retry` exactly as read: the redactor never rewrites a stored message.
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnector } from '../../../executor/connectors/registry';
import { retryRun, startRun, type EngineDeps } from '../../../executor/engine';
import { readJournal } from '../../support/run-folders';
import type { JournalRecord } from '../../../protocol/journal-records';
import { environmentSecrets } from '../../../executor/values';
import { amqpUrl, deleteQueue, drainQueue, fillQueue } from './broker-clients';
import { RecordingHttpServer } from './recording-http-server';

describe('a parked message with secret values in it, retried', () => {
  // Lower case and digits only: the one-character secret below is an upper-case J, which the run's own names and paths must not hold.
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const queue = `ft-stored-msg-${tag}`;
  let dir: string;
  let server: RecordingHttpServer;

  beforeEach(() => mkdirSync((dir = join(tmpdir(), `ft-stored-msg-${tag}`))));
  afterEach(async () => {
    await server?.stop();
    await deleteQueue(queue);
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers exactly the bytes and headers read from the queue, though the flow declared values they contain as secrets', async () => {
    // The RabbitMQ password is a secret of the flow; so is a one-character team tag the service gets as a
    // header, `J`, which the base64 text of every JSON object holds (`{"` is `eyJ`).
    const broker = new URL(amqpUrl());
    const password = decodeURIComponent(broker.password);
    const env = { FLOWTRACER_SECRET_RABBIT_PASSWORD: password, FLOWTRACER_SECRET_TEAM: 'J' };
    const value = { user: password, note: 'Jars of beans', amount: 12.5 };
    const headers = { 'x-user': password, 'x-note': 'J' };
    const body = JSON.stringify(value);
    assert.ok(Buffer.from(body).toString('base64').startsWith('eyJ'));
    await fillQueue(queue, [{ key: `entry-${password}`, value, headers }]);
    server = new RecordingHttpServer((_request, index) => (index === 0 ? { status: 400, body: '{"error":"account locked"}' } : { status: 200 }));
    const url = await server.start('/ledger');
    const file = join(dir, 'stored.flow.yaml');
    writeFileSync(file, `flow: stored-message
components:
  Inbox:
    type: mq
    url: "${broker.protocol}//${broker.username}:\${secret:rabbit-password}@${broker.host}${broker.pathname}"
    queue: ${queue}
  Ledger:
    type: service
    url: ${url}
    headers: { x-team: "\${secret:team}" }
connections:
  - from: Inbox
    to: Ledger
    select: { until: empty }
`);
    const deps = (): EngineDeps => ({ connectors: createConnector, env: process.env, secrets: environmentSecrets(env), emit: () => undefined, runsDir: join(dir, 'runs'), signal: AbortSignal.timeout(60_000) });

    const first = await startRun(file, {}, deps());
    assert.equal(first.status, 'failed');
    assert.equal(first.parked, 1, first.error);
    assert.deepEqual(await drainQueue(queue), [], 'the parked message lives in the journal only');
    const parked = (await readJournal(first.directory)).records.filter((r): r is Extract<JournalRecord, { t: 'parked' }> => r.t === 'parked');
    assert.equal(parked.length, 1);
    assert.ok(!parked[0]!.error.includes(password), 'the rest of the record is still redacted');

    const retried = await retryRun(first.runId, 'Ledger', deps());
    assert.equal(retried.status, 'succeeded', retried.error);
    const [original, redelivered] = server.requests;
    assert.equal(server.requests.length, 2);
    assert.equal(original!.body, body);
    assert.equal(redelivered!.body, body, 'retry sends the bytes the queue held');
    for (const name of ['x-user', 'x-note']) assert.equal(redelivered!.headers[name], original!.headers[name], `header ${name}`);
    const traceId = (headers: Readonly<Record<string, unknown>>) => String(headers.traceparent).split('-')[1];
    assert.equal(traceId(redelivered!.headers), traceId(original!.headers), 'the same trace (a new span for the new attempt)');
    assert.equal(redelivered!.headers['x-user'], password);
    assert.equal(redelivered!.headers['x-team'], 'J');
  });
});
