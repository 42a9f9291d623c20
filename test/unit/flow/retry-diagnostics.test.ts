import * as assert from 'node:assert/strict';
import { dataOf, diagnose } from './diagnose';

const H = 'flow: demo\ncomponents:\n';
const K = '  K: { type: kafka, brokers: [localhost:9092], topic: orders }\n';
const Q = '  Q: { type: mq, url: amqp://localhost, queue: orders }\n';
const C = 'connections:\n  - { from: K, to: Q }\n';
/** A flow whose `defaults.retry` is the flow mapping `retry` (line 4, starting at column 9). */
const withRetry = (retry: string) => `${H}${K}${Q}defaults:\n  retry: ${retry}\n${C}`;

describe('checkFlow: custom retry schedules', () => {
  it('accepts `maxAttempts` of one more than the delays, and no `maxAttempts` at all', () => {
    assert.deepEqual(diagnose(withRetry('{ strategy: custom, delays: [1s, 5s], maxAttempts: 3 }')), []);
    assert.deepEqual(diagnose(withRetry('{ strategy: custom, delays: [1s, 5s, 30s] }')), []);
  });

  it('warns on `maxAttempts` when it allows more retries than `delays`, saying the last delay is waited again', () => {
    const text = withRetry('{ strategy: custom, delays: [1s, 5s], maxAttempts: 6 }');
    assert.deepEqual(diagnose(text), [
      ['retry-attempts-beyond-delays', '5:60-5:61', '`maxAttempts: 6` allows 5 retries but `delays` lists 2 waits: the last one (`5s`) is waited again before retries 3 to 5'],
    ]);
    assert.deepEqual(dataOf(text, 'retry-attempts-beyond-delays'), [{ maxAttempts: 6, delays: 2 }]);
    assert.deepEqual(diagnose(`${H}${K}  Q:\n    type: mq\n    url: amqp://localhost\n    queue: orders\n    retry:\n      strategy: custom\n      delays: [1s, 5s]\n      maxAttempts: 4\n${C}`), [
      ['retry-attempts-beyond-delays', '10:19-10:20', '`maxAttempts: 4` allows 3 retries but `delays` lists 2 waits: the last one (`5s`) is waited again before retry 3'],
    ]);
  });

  it('warns on the delays that `maxAttempts` leaves unused, from the first to the last', () => {
    assert.deepEqual(diagnose(withRetry('{ strategy: custom, delays: [1s, 5s, 30s], maxAttempts: 2 }')), [
      ['retry-delays-unused', '5:42-5:49', '`maxAttempts: 2` allows 1 retry, so only the first of the 3 delays is used; `5s`, `30s` are never waited'],
    ]);
    assert.deepEqual(diagnose(withRetry('{ strategy: custom, delays: [1s, 5s, 30s], maxAttempts: 3 }')), [
      ['retry-delays-unused', '5:46-5:49', '`maxAttempts: 3` allows 2 retries, so only the first 2 of the 3 delays are used; `30s` is never waited'],
    ]);
    const block = `${H}${K}${Q}defaults:\n  retry:\n    strategy: custom\n    delays:\n      - 1s\n      - 5s\n    maxAttempts: 1\n${C}`;
    assert.deepEqual(diagnose(block), [
      ['retry-delays-unused', '8:8-9:10', '`maxAttempts: 1` allows no retry, so none of the 2 delays are used; `1s`, `5s` are never waited'],
    ]);
  });

  it('reports empty `delays` on the list', () => {
    assert.deepEqual(diagnose(withRetry('{ strategy: custom, delays: [] }')), [['invalid-value', '5:37-5:39', '`delays` must list at least 1 entry']]);
  });

  it('reports a custom strategy without `delays` on the retry key', () => {
    assert.deepEqual(diagnose(withRetry('{ strategy: custom, maxAttempts: 3 }')), [
      ['missing-property', '5:2-5:7', 'missing required property `delays` on `defaults.retry`'],
    ]);
  });

  it('reports each delay that does not parse on its own entry', () => {
    assert.deepEqual(diagnose(withRetry('{ strategy: custom, delays: [1s, 5 sec, 2] }')), [
      ['bad-duration', '5:42-5:47', '`delays[1]`: `5 sec` is not a duration; write a whole number and a unit: `250ms`, `2s`, `5m` or `1h`'],
      ['bad-duration', '5:49-5:50', '`delays[2]`: `2` has no unit; write a duration such as `2ms` or `2s`'],
    ]);
  });

  it('reports `delays` on an exponential retry with the fields that strategy takes', () => {
    assert.deepEqual(diagnose(withRetry('{ strategy: exponential, delays: [1s] }')), [
      ['retry-field-not-applicable', '5:34-5:40', '`delays` does not apply to the exponential retry strategy; it takes `delay`, `factor`, `maxDelay`, `maxAttempts`, `maxDuration`, `jitter`, `retryOn`, `abortOn`'],
    ]);
  });

  it('warns on `unroutable` in `retryOn`, which no strategy retries, and accepts it in `abortOn`', () => {
    const text = withRetry('{ retryOn: [connection, unroutable], abortOn: [unroutable] }');
    assert.deepEqual(diagnose(text), [
      ['retry-never-retried', '5:33-5:43', '`unroutable` is never retried: RabbitMQ would route the message nowhere again; it is parked at once, and `flowtracer retry` delivers it once a queue is bound'],
    ]);
    assert.deepEqual(dataOf(text, 'retry-never-retried'), [{ errorClass: 'unroutable' }]);
  });

  it('reports `maxDelay` below the default `delay`', () => {
    assert.deepEqual(diagnose(withRetry('{ maxDelay: 100ms }')), [
      ['max-delay-below-delay', '5:21-5:26', '`maxDelay` (100ms) is below `delay` (500ms); no wait could ever be that short'],
    ]);
  });
});
