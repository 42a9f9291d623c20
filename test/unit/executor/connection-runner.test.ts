// The connection runner's waits: a failed commit ends the connection, and a long run holds no memory per message it waited for.
import * as assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Clock } from '../../../executor/clock';
import { runConnection, type ConnectionJob } from '../../../executor/connection-runner';
import type { SourceMessage, SourceReader, TargetWriter } from '../../../executor/connectors/connector';
import type { Journal } from '../../../executor/journal-writer';
import { PayloadValidator } from '../../../executor/payload-validation';
import { Redactor } from '../../../executor/redaction';
import { RetrySchedule } from '../../../executor/retry-schedule';
import type { RunContext } from '../../../executor/run-context';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const clock: Clock = { now: () => 0, sleep: () => turn() };

/** A journal whose flush takes a turn of the event loop, as a write and fsync would. */
const journal = { append: () => undefined, flush: () => turn() } as unknown as Journal;

const context = (): RunContext => ({
  runId: 'r1', mode: 'warn', flowFile: 'x.flow.yaml', journal, redactor: new Redactor(), clock, signal: new AbortController().signal,
  stopReading: new AbortController().signal, emit: () => undefined, log: () => undefined, maxInFlight: 1, random: () => 0.5,
});

function reader(count: number, commit: (message: SourceMessage) => Promise<void | false>, atMessage: (i: number) => void = () => undefined): SourceReader {
  return {
    async *messages() {
      for (let i = 0; i < count; i++) {
        atMessage(i);
        yield { key: null, value: Buffer.from('{}'), headers: {}, position: `src@${i}` } satisfies SourceMessage;
      }
    },
    commit,
    release: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}

/** Confirms each write a turn later. */
const writer: TargetWriter = { write: async () => (await turn(), { position: 'target' }), close: () => Promise.resolve() };

const job = (source: SourceReader): ConnectionJob => ({
  id: 'Src -> Target', identity: { connectionIndex: 0, from: 'Src', to: 'Target' }, target: 'Target', reader: source, writer, validator: PayloadValidator.none(),
  schedule: RetrySchedule.fromSettings({ strategy: 'fixed', delay: '1s', maxAttempts: 1 }), maxInFlight: 1, mode: 'warn',
});

describe('connection runner: waits', () => {
  it('ends the connection with a failed commit\'s error, and sends no commit once the failure is known', async () => {
    const committed: string[] = [];
    let failedAt: number | undefined;
    const outcome = await runConnection(context(), job(reader(200, (message) => {
      const n = Number(message.position.split('@')[1]);
      if (failedAt !== undefined && n > failedAt + 8) committed.push(`after the failure: ${message.position}`);
      if (n === 50) {
        failedAt = n;
        return Promise.reject(new Error('the group refused the commit'));
      }
      committed.push(message.position);
      return Promise.resolve();
    })));
    assert.match(outcome.error ?? '', /the group refused the commit/);
    assert.deepEqual(committed.filter((c) => c.startsWith('after')), [], 'commits of later batches are not sent');
    assert.ok(outcome.counts.delivered < 200, `stopped early (${outcome.counts.delivered} counted delivered)`);
  });

  it('holds no memory for the waits of a long run: the heap after 40,000 messages is what it was after 4,000', async function () {
    this.timeout(60_000);
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const heap: number[] = [];
    // maxInFlight 1: the window (4) is full after every message, so the reader waits for room once a message.
    const outcome = await runConnection(context(), job(reader(40_000, () => Promise.resolve(), (i) => {
      if (i === 4_000 || i === 39_999) {
        gc();
        heap.push(process.memoryUsage().heapUsed);
      }
    })));
    assert.equal(outcome.error, undefined);
    assert.equal(outcome.counts.delivered, 40_000);
    const grown = heap[1]! - heap[0]!;
    // A Promise.race with the settler (pending all run) kept ~300 B a wait: ~11 MB here.
    assert.ok(grown < 3_000_000, `the heap grew ${(grown / 1e6).toFixed(1)} MB over 36,000 messages`);
  });
});
