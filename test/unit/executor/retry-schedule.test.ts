import * as assert from 'node:assert/strict';
import { realClock } from '../../../executor/clock';
import { ConnectorError, type ErrorClass } from '../../../executor/connectors/connector';
import { RetriesExhausted, RetrySchedule, retrying } from '../../../executor/retry-schedule';
import { RETRY_DEFAULTS } from '../../../flow/schema';
import { FakeClock } from './fake-clock';

/** Runs a call that fails `failures` times with `error`, returning the attempt times and the outcome. */
async function attemptTimes(settings: Record<string, unknown>, failures: number, error: () => unknown = () => new ConnectorError('HTTP 500', '5xx'), random = () => 0.5) {
  const clock = new FakeClock();
  const times: number[] = [];
  const schedule = RetrySchedule.fromSettings(settings, random);
  try {
    const value = await retrying(
      (attempt) => {
        times.push(clock.now());
        if (attempt <= failures) throw error();
        return Promise.resolve('ok');
      },
      schedule, clock, new AbortController().signal,
    );
    return { times, value, error: undefined as RetriesExhausted | undefined };
  } catch (e) {
    return { times, value: undefined, error: e as RetriesExhausted };
  }
}

describe('RetrySchedule', () => {
  it('takes its defaults from the flow schema', () => {
    const { policy } = RetrySchedule.fromSettings(undefined);
    assert.equal(policy.strategy, RETRY_DEFAULTS.strategy);
    assert.equal(policy.maxAttempts, RETRY_DEFAULTS.maxAttempts);
    assert.equal(policy.jitter, RETRY_DEFAULTS.jitter);
    assert.deepEqual([...policy.retryOn], RETRY_DEFAULTS.retryOn);
    assert.equal(policy.delayMs, 500);
    assert.equal(policy.maxDelayMs, 30_000);
  });

  it('waits exponentially up to maxDelay and gives up after maxAttempts attempts in total', async () => {
    const r = await attemptTimes({ strategy: 'exponential', delay: '500ms', factor: 2, maxDelay: '3s', maxAttempts: 6, jitter: 'none' }, 10);
    assert.deepEqual(r.times, [0, 500, 1500, 3500, 6500, 9500]);
    assert.ok(r.error instanceof RetriesExhausted);
    assert.equal(r.error.attempts, 6);
    assert.equal(r.error.reason, 'max-attempts');
  });

  it('succeeds on the attempt after the last failure', async () => {
    const r = await attemptTimes({ strategy: 'fixed', delay: '2s', maxAttempts: 3, jitter: 'none' }, 2);
    assert.deepEqual(r.times, [0, 2000, 4000]);
    assert.equal(r.value, 'ok');
  });

  it('follows a custom schedule and defaults maxAttempts to one more than its delays', async () => {
    const r = await attemptTimes({ strategy: 'custom', delays: ['1s', '5s', '30s'], jitter: 'none' }, 10);
    assert.deepEqual(r.times, [0, 1000, 6000, 36000]);
    assert.equal(r.error?.attempts, 4);
  });

  it('full jitter waits random × delay, equal jitter half the delay plus random × half', async () => {
    const full = await attemptTimes({ strategy: 'fixed', delay: '1s', maxAttempts: 2, jitter: 'full' }, 1, undefined, () => 0.25);
    assert.deepEqual(full.times, [0, 250]);
    const equal = await attemptTimes({ strategy: 'fixed', delay: '1s', maxAttempts: 2, jitter: 'equal' }, 1, undefined, () => 0.25);
    assert.deepEqual(equal.times, [0, 625]);
  });

  it('honours a 429 Retry-After instead of the computed wait', async () => {
    const r = await attemptTimes({ strategy: 'fixed', delay: '100ms', maxAttempts: 3, jitter: 'none' }, 2, () => new ConnectorError('HTTP 429', '429', { retryAfterMs: 7000 }));
    assert.deepEqual(r.times, [0, 7000, 14000]);
    assert.equal(r.value, 'ok');
  });

  it('does not retry a 400 (4xx is not in the default retryOn)', async () => {
    const r = await attemptTimes({ strategy: 'fixed', delay: '1s', maxAttempts: 5 }, 5, () => new ConnectorError('HTTP 400', '4xx'));
    assert.deepEqual(r.times, [0]);
    assert.equal(r.error?.reason, 'not-retryable');
  });

  it('abortOn wins over retryOn', async () => {
    const r = await attemptTimes({ strategy: 'fixed', delay: '1s', retryOn: ['5xx', 'timeout'], abortOn: ['timeout'] }, 5, () => new ConnectorError('timed out', 'timeout'));
    assert.deepEqual(r.times, [0]);
  });

  it('retries the classes listed in retryOn, such as timeouts', async () => {
    for (const errorClass of ['timeout', 'connection', '5xx'] as ErrorClass[]) {
      const r = await attemptTimes({ strategy: 'fixed', delay: '1s', maxAttempts: 2, jitter: 'none' }, 1, () => new ConnectorError(errorClass, errorClass));
      assert.deepEqual(r.times, [0, 1000], errorClass);
    }
  });

  it('never retries an unroutable publish, even with `unroutable` in retryOn and an empty abortOn', async () => {
    const r = await attemptTimes({ strategy: 'fixed', delay: '1s', maxAttempts: 5, retryOn: ['connection', 'unroutable'], abortOn: [] }, 5, () => new ConnectorError('no queue', 'unroutable'));
    assert.deepEqual(r.times, [0]);
    assert.equal(r.error?.reason, 'not-retryable');
  });

  it('reads 429 in retryOn and abortOn written as a YAML number, as the format example writes it', async () => {
    const retried = await attemptTimes({ strategy: 'fixed', delay: '1s', maxAttempts: 2, jitter: 'none', retryOn: ['5xx', 429] }, 1, () => new ConnectorError('HTTP 429', '429'));
    assert.deepEqual(retried.times, [0, 1000]);
    const aborted = await attemptTimes({ strategy: 'fixed', delay: '1s', maxAttempts: 2, jitter: 'none', abortOn: [429] }, 1, () => new ConnectorError('HTTP 429', '429'));
    assert.deepEqual(aborted.times, [0]);
  });

  it('gives up when the next wait would pass maxDuration', async () => {
    const r = await attemptTimes({ strategy: 'fixed', delay: '4s', maxAttempts: 10, maxDuration: '10s', jitter: 'none' }, 10);
    assert.deepEqual(r.times, [0, 4000, 8000]);
    assert.equal(r.error?.reason, 'max-duration');
  });

  it('stops at once when the signal aborts during a wait', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const pending = retrying(() => Promise.reject(new ConnectorError('down', 'connection')), RetrySchedule.fromSettings({ strategy: 'fixed', delay: '1h', jitter: 'none' }), realClock, controller.signal);
    setImmediate(() => controller.abort(new Error('stopped by the user')));
    await assert.rejects(pending, /stopped by the user/);
    assert.ok(Date.now() - started < 1000);
  });

  it('waits in real time on the real clock', async () => {
    const times: number[] = [];
    const started = Date.now();
    await retrying(
      (attempt) => {
        times.push(Date.now() - started);
        return attempt < 3 ? Promise.reject(new ConnectorError('HTTP 503', '5xx')) : Promise.resolve();
      },
      RetrySchedule.fromSettings({ strategy: 'fixed', delay: '60ms', maxAttempts: 3, jitter: 'none' }), realClock, new AbortController().signal,
    );
    assert.equal(times.length, 3);
    assert.ok(times[1]! >= 59 && times[2]! >= 119, `attempt times ${times.join(', ')}`);
  });
});
