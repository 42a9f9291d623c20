import * as assert from 'node:assert/strict';
import { RunStop } from '../../../executor/run-stop';

const aborted = (signal: AbortSignal): Promise<void> => new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));

describe('RunStop (Stop with a grace period)', () => {
  it('stops the reading at the first request and aborts everything at the second', () => {
    const stop = new RunStop(60_000);
    stop.request();
    assert.deepEqual([stop.stopReading.aborted, stop.signal.aborted], [true, false]);
    stop.request();
    assert.deepEqual([stop.stopReading.aborted, stop.signal.aborted], [true, true]);
  });

  it('aborts everything once the grace period ran out', async () => {
    const stop = new RunStop(10);
    stop.request();
    assert.equal(stop.signal.aborted, false);
    await aborted(stop.signal);
    assert.equal(stop.stopReading.aborted, true);
  });

  it('with a grace of 0 aborts everything at the first request', () => {
    const stop = new RunStop(0);
    stop.request();
    assert.deepEqual([stop.stopReading.aborted, stop.signal.aborted], [true, true]);
  });
});
