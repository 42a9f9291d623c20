// The fetch side of the Kafka readers: a batch held by a full buffer keeps the member alive in its group.
import * as assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, EachBatchPayload } from 'kafkajs';
import { afterHeartbeat, askedAtMostEvery, BUFFER, headerText, holdWhileFull, runBatches, seek, wakeWhenRoom, type FetchedMessage } from '../../../executor/connectors/kafka-batches';

describe('kafka batches (executor/connectors/kafka-batches.ts)', () => {
  it('holds a batch while the buffer is full, heartbeating every second, and lets it go once the reader wakes it with room', async function () {
    this.timeout(10_000);
    let full = true;
    const writers: (() => void)[] = [];
    let beats = 0;
    const held = holdWhileFull(() => full, writers, async () => void beats++);
    let done = false;
    void held.then(() => (done = true));
    // A heartbeat a second while held (waited for, not timed).
    while (beats < 2) await sleep(50);
    assert.equal(done, false, 'still held');
    // Woken while still full (the reader took one out, not enough): it waits again.
    writers.splice(0).forEach((wake) => wake());
    await sleep(50);
    assert.equal(done, false);
    const before = beats;
    full = false;
    writers.splice(0).forEach((wake) => wake());
    await held;
    assert.equal(beats, before, 'woken with room, it goes on without a heartbeat');
  });

  it('wakes a held batch only once the reader took the buffer down to half, so that it refills it in one go', () => {
    let woken = 0;
    const writers = [() => void woken++, () => void woken++];
    for (let buffered = BUFFER - 1; buffered > BUFFER / 2; buffered--) wakeWhenRoom(buffered, writers);
    assert.equal(woken, 0, 'above half: the batch stays held');
    wakeWhenRoom(BUFFER / 2, writers);
    assert.equal(woken, 1, 'at half: one held batch goes on');
    wakeWhenRoom(BUFFER / 2 - 1, writers);
    wakeWhenRoom(0, writers);
    assert.equal(woken, 2, 'each message taken below half wakes the next held batch, if any');
  });

  it('asks kafkajs to heartbeat at most once every interval, the first time at once, and never drops the ask after a quiet spell', async () => {
    let asked = 0;
    let rebalancing = false;
    const beat = askedAtMostEvery(100, async () => {
      asked++;
      if (rebalancing) throw new Error('The group is rebalancing');
    });
    await beat();
    assert.equal(asked, 1, 'the first ask goes through');
    for (let i = 0; i < 1000; i++) assert.equal(beat(), undefined, 'within the interval: nothing to wait for');
    assert.equal(asked, 1, 'a thousand messages within the interval ask once');
    await sleep(120);
    rebalancing = true;
    // The next ask after the interval reaches kafkajs, and its error (a rebalance) reaches the batch.
    await assert.rejects(beat() ?? Promise.resolve(), /rebalancing/);
    assert.equal(asked, 2);
  });

  it('passes a taken message on synchronously when no heartbeat is due, and waits for the one that is', async () => {
    let sent = 0;
    let rebalancing = false;
    const beat = askedAtMostEvery(60_000, async () => {
      sent++;
      if (rebalancing) throw new Error('The group is rebalancing');
    });
    const first = afterHeartbeat(true, beat);
    assert.ok(first instanceof Promise, 'the first heartbeat is due: the batch waits for it');
    assert.equal(await first, true);
    assert.equal(afterHeartbeat(true, beat), true, 'no heartbeat due: a plain true, no promise');
    assert.equal(afterHeartbeat(false, beat), false, 'a stopped batch asks for no heartbeat');
    assert.equal(sent, 1);
    rebalancing = true;
    const due = askedAtMostEvery(0, async () => {
      throw new Error('The group is rebalancing');
    });
    await assert.rejects(Promise.resolve(afterHeartbeat(true, due)), /rebalancing/, 'a rebalance reaches the batch');
  });

  it('gives each header its first value as text, own names only', () => {
    const headers = JSON.parse('{"traceparent":"00-ab","multi":["x","y"],"__proto__":{"polluted":"yes"}}') as Record<string, Buffer | string | (Buffer | string)[]>;
    headers.bytes = Buffer.from('raw');
    const inherited = Object.create({ inherited: 'no' }) as Record<string, string>;
    inherited.own = 'yes';
    const text = headerText(headers);
    assert.deepEqual(text, { traceparent: '00-ab', multi: 'x', bytes: 'raw' });
    assert.equal((text as { polluted?: string }).polluted, undefined, 'a header named __proto__ changes no prototype');
    assert.deepEqual(headerText(inherited), { own: 'yes' });
    assert.deepEqual(headerText(undefined), {});
  });

  it("stops a batch at a seek made while it is taken, asking kafkajs's isStale once a batch and after each seek only", async () => {
    // A stand-in for kafkajs's consumer: what runBatches calls of it, and the stale mark a seek sets.
    let stale = false;
    let staleAsks = 0;
    let eachBatch: ((payload: EachBatchPayload) => Promise<void>) | undefined;
    const sought: unknown[] = [];
    const consumer = {
      events: { END_BATCH_PROCESS: 'end' },
      on: () => undefined,
      run: async (config: { eachBatch: typeof eachBatch }) => void (eachBatch = config.eachBatch),
      seek: (args: unknown) => {
        sought.push(args);
        stale = true;
      },
    } as unknown as Consumer;
    const taken: string[] = [];
    let fetchedTo: bigint | undefined;
    await runBatches(consumer, () => ({
      message: (m: FetchedMessage) => {
        taken.push(m.offset);
        if (m.offset === '12') seek(consumer, 'orders', 0, 5n);
        return true;
      },
      fetched: (next: bigint) => void (fetchedTo = next),
    }));
    const batch = (offsets: string[]) => ({ partition: 0, messages: offsets.map((offset) => ({ offset, key: null, value: Buffer.from('v') })), lastOffset: () => offsets.at(-1)! });
    const payload = (offsets: string[]) => ({ batch: batch(offsets), heartbeat: async () => undefined, isRunning: () => true, isStale: () => (staleAsks++, stale) }) as unknown as EachBatchPayload;
    await eachBatch!(payload(['10', '11']));
    assert.deepEqual([taken, fetchedTo, staleAsks], [['10', '11'], 12n, 2], 'one ask before the batch, one before its end');
    await eachBatch!(payload(['12', '13', '14']));
    assert.deepEqual(taken, ['10', '11', '12'], 'the messages after the seek are not taken');
    assert.equal(fetchedTo, 12n, 'nor is the stale batch counted as fetched');
    assert.deepEqual(sought, [{ topic: 'orders', partition: 0, offset: '5' }]);
    assert.equal(staleAsks, 4);
    stale = false;
    await eachBatch!(payload(['5', '6']));
    assert.deepEqual([taken.slice(3), fetchedTo], [['5', '6'], 7n], 'the batch after the seek is taken');
  });
});
