// The fetch side of the Kafka readers: a batch held by a full buffer keeps the member alive in its group.
import * as assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { askedAtMostEvery, holdWhileFull } from '../../../executor/connectors/kafka-batches';

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

  it('asks kafkajs to heartbeat at most once every interval, the first time at once, and never drops the ask after a quiet spell', async () => {
    let asked = 0;
    let rebalancing = false;
    const beat = askedAtMostEvery(100, async () => {
      asked++;
      if (rebalancing) throw new Error('The group is rebalancing');
    });
    await beat();
    assert.equal(asked, 1, 'the first ask goes through');
    for (let i = 0; i < 1000; i++) await beat();
    assert.equal(asked, 1, 'a thousand messages within the interval ask once');
    await sleep(120);
    rebalancing = true;
    // The next ask after the interval reaches kafkajs, and its error (a rebalance) reaches the batch.
    await assert.rejects(beat(), /rebalancing/);
    assert.equal(asked, 2);
  });
});
