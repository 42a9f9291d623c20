// The throttle that keeps a fast run from flooding the diagram: one call at once, later ones folded into one.
import { strict as assert } from 'node:assert';
import { Throttle, type ThrottleTimers } from '../../../client/runs/throttle';

/** A clock the test moves by hand. */
class ManualTimers implements ThrottleTimers {
  time = 0;
  private readonly timers = new Map<number, { at: number; action: () => void }>();
  private next = 1;

  now(): number {
    return this.time;
  }

  set(action: () => void, ms: number): unknown {
    const id = this.next++;
    this.timers.set(id, { at: this.time + ms, action });
    return id;
  }

  clear(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  advance(ms: number): void {
    this.time += ms;
    for (const [id, t] of [...this.timers]) {
      if (t.at > this.time) continue;
      this.timers.delete(id);
      t.action();
    }
  }

  get waiting(): number {
    return this.timers.size;
  }
}

describe('throttle', () => {
  it('runs the first request at once and folds a burst into one trailing call', () => {
    const timers = new ManualTimers();
    const calls: number[] = [];
    const throttle = new Throttle(150, () => calls.push(timers.time), timers);
    throttle.request();
    for (let i = 0; i < 1000; i++) throttle.request();
    assert.deepEqual(calls, [0]);
    timers.advance(100);
    assert.deepEqual(calls, [0]);
    timers.advance(50);
    assert.deepEqual(calls, [0, 150]);
    timers.advance(1000);
    assert.deepEqual(calls, [0, 150], 'no call without a request');
    throttle.request();
    assert.deepEqual(calls, [0, 150, 1150], 'a request after a quiet interval runs at once');
  });

  it('flush runs now and drops the waiting call; cancel drops it without running', () => {
    const timers = new ManualTimers();
    let calls = 0;
    const throttle = new Throttle(150, () => calls++, timers);
    throttle.request();
    throttle.request();
    throttle.flush();
    assert.equal(calls, 2);
    assert.equal(timers.waiting, 0);
    throttle.request();
    throttle.cancel();
    timers.advance(500);
    assert.equal(calls, 2);
  });
});
