import * as assert from 'node:assert/strict';
import { diagnose } from './diagnose';

describe('checkFlow: YAML problems', () => {
  it('points an unclosed `{` at the brace, not where the parser gave up', () => {
    const text = 'flow: demo\ncomponents:\n  K: { type: kafka, brokers: [localhost:9092], topic: orders\n  Q: { type: mq, url: amqp://localhost, queue: orders }\n';
    assert.deepEqual(diagnose(text), [
      ['yaml-syntax', '2:5-2:6', 'unclosed flow map `{`: it needs a closing `}` (Flow map in block collection must be sufficiently indented and end with a })'],
    ]);
  });

  it('points an unclosed `[` at the end of the file at the bracket', () => {
    assert.deepEqual(diagnose('flow: demo\ncomponents: {}\nconnections: [\n  { from: a, to: b }\n'), [
      ['yaml-syntax', '2:13-2:14', 'unclosed flow sequence `[`: it needs a closing `]` (Flow sequence in block collection must be sufficiently indented and end with a ])'],
    ]);
  });

  it('points an unclosed quote at the quote, once', () => {
    const text = 'flow: demo\ncomponents:\n  K: { type: kafka, brokers: [localhost:9092], topic: "orders }\n';
    assert.deepEqual(diagnose(text), [['yaml-syntax', '2:54-2:55', 'unclosed quote `"`: it needs a closing `"` (Missing closing "quote)']]);
  });

  it('reports a tab used as indentation', () => {
    assert.deepEqual(diagnose('flow: demo\ncomponents:\n\tK: {}\n'), [
      ['yaml-tab', '2:0-2:1', 'tabs are not allowed as indentation in YAML; indent with spaces'],
    ]);
  });

  it('reports a duplicate key outside `components`', () => {
    const text = 'flow: demo\ncomponents:\n  K: { type: kafka, brokers: [x], topic: t }\ntitle: a\ntitle: b\n';
    assert.deepEqual(diagnose(text), [['yaml-duplicate-key', '4:0-4:5', 'duplicate key: keys of a map must be unique']]);
  });

  it('stops an alias bomb (billion laughs) quickly with one error on the first alias', () => {
    const levels = ['a: &a [x,x,x,x,x,x,x,x,x]'];
    for (let i = 1; i < 9; i++) levels.push(`l${i}: &l${i} [${Array(9).fill(i === 1 ? '*a' : `*l${i - 1}`).join(',')}]`);
    const started = performance.now();
    const result = diagnose(`${levels.join('\n')}\n`);
    assert.ok(performance.now() - started < 1000);
    assert.deepEqual(result, [
      ['yaml-alias-limit', '1:9-1:11', 'YAML aliases expand past the limit of 100 nodes; the file is not evaluated (Excessive alias count indicates a resource exhaustion attack)'],
    ]);
  });
});

describe('checkFlow: absurd nesting', () => {
  it('refuses `[` nested past the limit quickly with one error where the limit is crossed', () => {
    const text = `flow: demo\ncomponents: {}\nnested: ${'['.repeat(5000)}1\n`;
    const started = performance.now();
    const result = diagnose(text);
    assert.ok(performance.now() - started < 200);
    assert.deepEqual(result, [['yaml-too-deep', '2:136-2:137', '`[`/`{` nest more than 128 levels deep here; the file is not evaluated']]);
  });
});
