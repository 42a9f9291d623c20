import * as assert from 'node:assert/strict';
import { parseFlow } from '../../flow/parse';

describe('parseFlow', () => {
  it('reads components and connections with their spans', () => {
    const text = 'flow: demo\ncomponents:\n  A: { type: kafka, brokers: [x], topic: t }\n  B: { type: mq, url: amqp://x, queue: q }\nconnections:\n  - { from: A, to: B }\n';
    const { model, yamlDiagnostics } = parseFlow(text);
    assert.deepEqual(yamlDiagnostics, []);
    assert.equal(model.id, 'demo');
    assert.deepEqual(model.components.map((c) => [c.name, c.type]), [['A', 'kafka'], ['B', 'mq']]);
    assert.equal(text.slice(model.components[1]!.nameSpan.start, model.components[1]!.nameSpan.end), 'B');
    assert.equal(model.connections[0]?.from, 'A');
  });
});
