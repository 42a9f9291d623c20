import * as assert from 'node:assert/strict';
import { didYouMean, editDistance } from '../../../flow/did-you-mean';
import { parseDuration } from '../../../flow/durations';
import { resolveFlowGraph } from '../../../flow/graph';
import { inferKind } from '../../../flow/component-types';
import type { FlowModel } from '../../../flow/model';
import { parseFlow } from '../../../flow/parse';
import { scanValueReferences } from '../../../flow/value-references';
import { resolveRelative } from '../../../flow/connection-checks';

/** The kind the two ends' types give every connection, by index. */
function inferKinds(model: FlowModel): (string | undefined)[] {
  const types = new Map(model.components.map((c) => [c.name, c.type]));
  return model.connections.map((c) => inferKind(c.from === undefined ? undefined : types.get(c.from), c.to === undefined ? undefined : types.get(c.to)));
}

describe('flow building blocks', () => {
  it('parses durations to milliseconds and rejects anything else', () => {
    assert.deepEqual(['250ms', '2s', '5m', '1h', '2', '1.5s', '2 s', 5].map(parseDuration), [250, 2000, 300_000, 3_600_000, undefined, undefined, undefined, undefined]);
  });

  it('counts an adjacent transposition as one edit and suggests the closest name', () => {
    assert.equal(editDistance('topci', 'topic'), 1);
    assert.equal(didYouMean('OrderTopc', ['OrderQueue', 'OrderTopic']), 'OrderTopic');
    assert.equal(didYouMean('orderqueue', ['OrderQueue']), 'OrderQueue');
    assert.equal(didYouMean('Payments', ['OrderQueue', 'OrderTopic']), undefined);
  });

  it('reads env and secret references with their defaults and offsets', () => {
    assert.deepEqual(scanValueReferences('amqp://${env:USER:-guest}:${secret:rabbit-password}@h').references, [
      { source: 'env', name: 'USER', fallback: 'guest', start: 7, end: 25 },
      { source: 'secret', name: 'rabbit-password', fallback: undefined, start: 26, end: 51 },
    ]);
  });

  it('resolves the graph: inferred kinds, topological order and cycles', () => {
    const { model } = parseFlow(
      'flow: g\ncomponents:\n  S: { type: service, url: u }\n  K: { type: kafka, brokers: [b], topic: t }\n  Q: { type: mq, url: u, queue: q }\n  D: { type: database, url: u }\n  A: { type: api, url: u }\n  B: { type: api, url: u }\n' +
        'connections:\n  - { from: Q, to: S }\n  - { from: K, to: Q }\n  - { from: S, to: D }\n  - { from: A, to: B }\n  - { from: B, to: A }\n',
    );
    const graph = resolveFlowGraph(model);
    assert.deepEqual(inferKinds(model), ['processing', 'kafka-to-mq', 'db', 'processing', 'processing']);
    assert.deepEqual(graph.order, ['K', 'Q', 'S', 'D', 'A', 'B']);
    assert.deepEqual(graph.cycles, [['A', 'B']]);
  });

  it('finds cycles in a 5,000-component chain without overflowing the stack', () => {
    const span = { start: 0, end: 0 };
    const names = Array.from({ length: 5000 }, (_, i) => `C${i}`);
    const model: FlowModel = {
      id: 'c', title: undefined, description: undefined, defaults: {}, access: undefined,
      components: names.map((name) => ({ name, type: 'service', props: { type: 'service', url: 'u' }, nameSpan: span, span })),
      connections: names.map((from, index) => {
        const to = names[(index + 1) % names.length]!;
        return { index, from, to, fromSpan: span, toSpan: span, kind: undefined, props: { from, to }, span };
      }),
    };
    const graph = resolveFlowGraph(model);
    assert.equal(graph.cycles.length, 1);
    assert.equal(graph.cycles[0]!.length, 5000);
    assert.equal(graph.order.length, 5000);
  });

  it('resolves a `schema:` path against the flow file folder', () => {
    assert.equal(resolveRelative('/w/flows/a.flow.yaml', 'schemas/o.json'), '/w/flows/schemas/o.json');
    assert.equal(resolveRelative('/w/flows/a.flow.yaml', '../s/o.json'), '/w/s/o.json');
    assert.equal(resolveRelative('C:\\w\\a.flow.yaml', 'o.json'), 'C:\\w\\o.json');
    assert.equal(resolveRelative('/w/a.flow.yaml', '/abs/o.json'), '/abs/o.json');
  });
});
