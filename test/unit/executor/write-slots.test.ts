import * as assert from 'node:assert/strict';
import { WriteSlots } from '../../../executor/write-slots';

describe('WriteSlots (messages written and not yet confirmed)', () => {
  it('hands out at most `size` slots, then the freed ones in the order they were asked for', async () => {
    const slots = new WriteSlots(2);
    const granted: string[] = [];
    const ask = (name: string) => slots.acquire().then(() => granted.push(name));
    const all = [ask('a'), ask('b'), ask('c'), ask('d')];
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(granted, ['a', 'b']);
    slots.release();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(granted, ['a', 'b', 'c']);
    slots.release();
    slots.release();
    await Promise.all(all);
    assert.deepEqual(granted, ['a', 'b', 'c', 'd']);
    // Four granted, three released: one slot is still held, so one is free now and the next waits for a release.
    let fifth = false;
    let sixth = false;
    void slots.acquire().then(() => (fifth = true));
    void slots.acquire().then(() => (sixth = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual([fifth, sixth], [true, false]);
    slots.release();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(sixth, true);
  });

  it('takes a free slot at once with tryAcquire, never one a waiting acquire is owed', async () => {
    const slots = new WriteSlots(1);
    assert.equal(slots.tryAcquire(), true, 'free: taken now');
    assert.equal(slots.tryAcquire(), false, 'all taken');
    let waited = false;
    void slots.acquire().then(() => (waited = true));
    slots.release();
    assert.equal(slots.tryAcquire(), false, 'the released slot went to the acquire that waited');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(waited, true);
    slots.release();
    assert.equal(slots.tryAcquire(), true);
  });
});
