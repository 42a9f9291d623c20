import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataOf, diagnose } from './diagnose';

const K = '  K: { type: kafka, brokers: [localhost:9092], topic: orders }\n';
const Q = '  Q: { type: mq, url: amqp://localhost, queue: orders }\n';
const H = 'flow: demo\ncomponents:\n';
const C = 'connections:\n  - { from: K, to: Q }\n';

describe('checkFlow: schema faults, one diagnostic each at the key or value at fault', () => {
  it('accepts the complete example of the format doc without a diagnostic', () => {
    const file = join(__dirname, '../../fixtures/valid/order-processing.flow.yaml');
    assert.deepEqual(diagnose(readFileSync(file, 'utf8'), { path: file, fs: { exists: () => true } }), []);
  });

  it('names an unknown property on its key with a did-you-mean', () => {
    const text = `${H}  K:\n    type: kafka\n    brokers: [localhost:9092]\n    topic: orders\n    topics: orders\n${Q}${C}`;
    assert.deepEqual(diagnose(text), [
      ['unknown-property', '6:4-6:10', 'unknown property `topics` on kafka component `K`; did you mean `topic`?'],
    ]);
    assert.deepEqual(dataOf(text, 'unknown-property'), [{ property: 'topics', suggestion: 'topic' }]);
  });

  it('reports a missing required property on the component name', () => {
    const text = `${H}  K:\n    type: kafka\n    brokers: [localhost:9092]\n${Q}${C}`;
    assert.deepEqual(diagnose(text), [['missing-property', '2:2-2:3', 'missing required property `topic` on kafka component `K`']]);
    assert.deepEqual(dataOf(text, 'missing-property'), [{ missing: ['topic'] }]);
  });

  it('gathers several missing properties of one object into one diagnostic', () => {
    assert.deepEqual(diagnose(`${H}  K: { type: kafka }\n${Q}${C}`), [
      ['missing-property', '2:2-2:3', 'missing required properties `brokers` and `topic` on kafka component `K`'],
    ]);
  });

  it('reports a missing connection end on the first line of the connection', () => {
    assert.deepEqual(diagnose(`${H}${K}${Q}connections:\n  - { from: K }\n`), [
      ['unconnected-component', '3:2-3:3', 'component `Q` is not connected to anything'],
      ['missing-property', '5:4-5:15', 'missing required property `to` on connection 1'],
    ]);
  });

  it('says `maxAttempts` must be at least 1 on its value', () => {
    const text = `${H}${K}  Q: { type: mq, url: amqp://localhost, queue: orders, retry: { strategy: fixed, delay: 1s, maxAttempts: 0 } }\n${C}`;
    assert.deepEqual(diagnose(text), [['invalid-value', '3:105-3:106', '`maxAttempts` must be at least 1']]);
  });

  it('reports a retry field that does not apply to the strategy (`factor` on fixed)', () => {
    const text = `${H}${K}  Q:\n    type: mq\n    url: amqp://localhost\n    queue: orders\n    retry: { strategy: fixed, delay: 1s, factor: 2 }\n${C}`;
    assert.deepEqual(diagnose(text), [
      ['retry-field-not-applicable', '7:41-7:47', '`factor` does not apply to the fixed retry strategy; it takes `delay`, `maxAttempts`, `maxDuration`, `jitter`, `retryOn`, `abortOn`'],
    ]);
    assert.deepEqual(dataOf(text, 'retry-field-not-applicable'), [{ property: 'factor', strategy: 'fixed' }]);
  });

  it('reports `delays` on an exponential retry (the default strategy too)', () => {
    assert.deepEqual(diagnose(`${H}${K}${Q}defaults:\n  retry: { strategy: exponential, delays: [1s] }\n${C}`)[0]?.slice(0, 2), ['retry-field-not-applicable', '5:34-5:40']);
    assert.deepEqual(diagnose(`${H}${K}${Q}defaults:\n  retry: { delays: [1s] }\n${C}`)[0]?.slice(0, 2), ['retry-field-not-applicable', '5:11-5:17']);
  });

  it('reports a duration that does not parse, once, on its value', () => {
    assert.deepEqual(diagnose(`${H}${K}${Q}defaults:\n  retry: { delay: 2 seconds }\n${C}`), [
      ['bad-duration', '5:18-5:27', '`delay`: `2 seconds` is not a duration; write a whole number and a unit: `250ms`, `2s`, `5m` or `1h`'],
    ]);
    assert.deepEqual(diagnose(`${H}${K}${Q}defaults:\n  retry: { delay: 2 }\n${C}`), [
      ['bad-duration', '5:18-5:19', '`delay`: `2` has no unit; write a duration such as `2ms` or `2s`'],
    ]);
  });

  it('lists the allowed values of an enum', () => {
    assert.deepEqual(diagnose(`${H}${K}${Q}defaults:\n  validation: loud\n${C}`), [
      ['invalid-value', '5:14-5:18', '`validation` must be one of `off`, `warn`, `strict`, `dry-run`'],
    ]);
  });

  it('suggests the component type meant by a typo, without cascading into the type\'s own fields', () => {
    const text = `${H}  K: { type: kafak, brokers: [localhost:9092], topic: orders }\n${Q}${C}`;
    assert.deepEqual(diagnose(text), [
      ['invalid-value', '2:13-2:18', 'unknown component type `kafak`; did you mean `kafka`? (one of `kafka`, `mq`, `database`, `service`, `api`)'],
    ]);
    assert.deepEqual(dataOf(text, 'invalid-value'), [{ property: 'type', allowed: ['kafka', 'mq', 'database', 'service', 'api'], suggestion: 'kafka' }]);
  });

  it('reports a missing `components` on the first line and a flow id that is not one', () => {
    assert.deepEqual(diagnose('flow: Demo Flow\n'), [
      ['missing-property', '0:0-0:15', 'missing required property `components` on the flow'],
      ['invalid-value', '0:6-0:15', '`Demo Flow` is not a flow id: use lowercase letters, digits and `-`'],
    ]);
  });

  it('reports an access team not written `org/team`', () => {
    assert.deepEqual(diagnose(`${H}${K}${Q}${C}access:\n  github: { teams: [acme/ops, platform] }\n`), [
      ['bad-team', '7:30-7:38', '`platform` is not a GitHub team; write it `org/team`, e.g. `acme/platform-ops`'],
    ]);
  });

  it('accepts 429 as an error class whether written as a number or a string', () => {
    assert.deepEqual(diagnose(`${H}${K}${Q}defaults:\n  retry: { retryOn: [429, "429", 5xx] }\n${C}`), []);
  });
});
