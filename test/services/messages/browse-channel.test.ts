// The executor child's `browse` over the event channel (what the Messages panel asks for): pages of messages, then browse-finished; the queue is left as it was.
import * as assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EXECUTOR_CHILD_ARG, type ExecutorCommand, type ExecutorEvent, type MessageView } from '../../../protocol/executor-events';
import { deleteQueue, drainQueue, fillQueue } from '../executor/broker-clients';

/** The executor bundle, forked as the extension's executor child. */
const WORKER = resolve(__dirname, '../../../dist/executor/cli.js');

/** Forks the executor child as the extension does, sends one command, and collects its events until `browse-finished`. */
function browseThroughWorker(command: ExecutorCommand, secrets: Record<string, string> = {}): Promise<ExecutorEvent[]> {
  return new Promise((done, fail) => {
    const child = fork(WORKER, [EXECUTOR_CHILD_ARG], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'json' });
    const events: ExecutorEvent[] = [];
    child.on('message', (message: unknown) => {
      const event = message as ExecutorEvent;
      if (event.type === 'secret-request') {
        child.send({ type: 'secret-value', requestId: event.requestId, value: secrets[event.name] } satisfies ExecutorCommand);
        return;
      }
      events.push(event);
      if (event.type === 'browse-finished') {
        child.disconnect();
        done(events);
      }
    });
    child.once('error', fail);
    child.once('exit', (code) => (events.some((e) => e.type === 'browse-finished') ? undefined : fail(new Error(`the worker exited (${String(code)}) before browse-finished`))));
    child.send(command);
  });
}

describe('browsing through the executor\'s event channel', function () {
  this.timeout(60_000);
  const tag = randomBytes(4).toString('hex');
  const queue = `ft-browse-channel-${tag}`;
  let dir: string;

  before(() => assert.ok(existsSync(WORKER), `${WORKER} is missing: run \`npm run build\` first`));
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ft-browse-channel-'))));
  afterEach(async () => {
    rmSync(dir, { recursive: true, force: true });
    await deleteQueue(queue);
  });

  it('sends a queue\'s messages as pages of 50, then browse-finished, and leaves the queue as it was', async () => {
    const messages = Array.from({ length: 120 }, (_, i) => ({ key: `k-${i}`, value: { n: i } }));
    await fillQueue(queue, messages);
    const file = join(dir, 'inbox.flow.yaml');
    // The password comes from the editor's secret storage, asked for over the channel.
    writeFileSync(file, `flow: browse-channel\ncomponents:\n  Inbox:\n    type: mq\n    url: "amqp://guest:\${secret:rabbit}@127.0.0.1:5672"\n    queue: ${queue}\n`);
    const events = await browseThroughWorker({ type: 'browse', flowFile: file, component: 'Inbox', request: { limit: 500 } }, { rabbit: 'guest' });
    const pages = events.filter((e): e is Extract<ExecutorEvent, { type: 'messages-page' }> => e.type === 'messages-page');
    assert.deepEqual(pages.map((p) => p.messages.length), [50, 50, 20]);
    const shown: MessageView[] = pages.flatMap((p) => p.messages);
    assert.deepEqual(shown.map((m) => m.key), messages.map((m) => m.key));
    assert.deepEqual(shown[3], { key: 'k-3', headers: {}, value: '{"n":3}', source: `${queue}#4`, exchange: '', routingKey: queue, redelivered: false });
    assert.deepEqual(events.at(-1), { type: 'browse-finished', component: 'Inbox', count: 120, note: `the 120 messages browsed went back to queue ${queue} in order, now marked redelivered` });

    const searched = await browseThroughWorker({ type: 'browse', flowFile: file, component: 'Inbox', request: { limit: 5, search: { text: '"n":11' } } }, { rabbit: 'guest' });
    assert.deepEqual(searched.flatMap((e) => (e.type === 'messages-page' ? e.messages.map((m) => m.key) : [])), ['k-11', 'k-110', 'k-111', 'k-112', 'k-113']);
    assert.deepEqual((await drainQueue(queue)).map((m) => m.key), messages.map((m) => m.key));
  });

  it('says why in browse-finished when the component cannot be browsed', async () => {
    const file = join(dir, 'svc.flow.yaml');
    writeFileSync(file, 'flow: browse-channel-svc\ncomponents:\n  Api:\n    type: service\n    url: http://127.0.0.1:9/x\n');
    const events = await browseThroughWorker({ type: 'browse', flowFile: file, component: 'Api', request: { limit: 10 } });
    assert.deepEqual(events, [{ type: 'browse-finished', component: 'Api', count: 0, error: 'component Api is a service: messages can be browsed, sent and redriven for kafka and mq components' }]);
  });
});
