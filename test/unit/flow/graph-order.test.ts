// One topological order and one reachability (flow/graph.ts): the run plan, the diagram and the builder's cycle check see the same graph.
import * as assert from 'node:assert/strict';
import { reaches, resolveFlowGraph, topologicalOrder } from '../../../flow/graph';
import { connectionRefusal } from '../../../flow/edits/connection-edits';
import type { FlowModel } from '../../../flow/model';
import { parseFlow } from '../../../flow/parse';
import { flowToDiagram } from '../../../webview/graph/flow-to-diagram';

/** A flow of `count` services, each connected to the next (built as a model: parsing 20,000 components is not what is measured). */
function chain(count: number): FlowModel {
  const span = { start: 0, end: 0 };
  const names = Array.from({ length: count }, (_, i) => `C${i}`);
  return {
    id: 'chain', title: undefined, description: undefined, defaults: {}, access: undefined,
    // In reverse document order, so that the earliest ready component is always the last one written.
    components: [...names].reverse().map((name) => ({ name, type: 'service', props: { type: 'service', url: 'u' }, nameSpan: span, span })),
    connections: names.slice(1).map((to, index) => ({ index, from: names[index]!, to, fromSpan: span, toSpan: span, kind: undefined, props: { from: names[index]!, to }, span })),
  };
}

describe('graph order', () => {
  it('puts the sources first in document order, then what they feed level by level (the run plan\'s order)', () => {
    assert.deepEqual(topologicalOrder(['A', 'B', 'C', 'D'], [['A', 'D'], ['B', 'C']]), ['A', 'B', 'D', 'C']);
    assert.deepEqual(topologicalOrder(['A', 'A', 'B'], [['B', 'A'], ['A', 'Nowhere']]), ['B', 'A'], 'each name once; unknown names ignored');
  });

  it('puts the earliest ready component in the document first (the diagram\'s order)', () => {
    assert.deepEqual(topologicalOrder(['A', 'B', 'C', 'D'], [['A', 'D'], ['B', 'C']], 'document'), ['A', 'B', 'C', 'D']);
  });

  it('enters a cycle, in either order, at the earliest component left', () => {
    for (const ties of ['level', 'document'] as const) {
      // B and C form a cycle fed by A, which D feeds.
      assert.deepEqual(topologicalOrder(['A', 'B', 'C', 'D'], [['B', 'C'], ['C', 'B'], ['A', 'B'], ['D', 'A']], ties), ['D', 'A', 'B', 'C'], ties);
      // Only a cycle and what it feeds are left: the earliest of them in the document goes first.
      assert.deepEqual(topologicalOrder(['X', 'A', 'B'], [['A', 'B'], ['B', 'A'], ['B', 'X']], ties), ['X', 'A', 'B'], ties);
    }
  });

  it('gives the run plan and the diagram their order from the one function', () => {
    const text = 'flow: g\ncomponents:\n  S: { type: service, url: u }\n  K: { type: kafka, brokers: [b], topic: t }\n  Q: { type: mq, url: u, queue: q }\n  D: { type: database, url: u }\n' +
      'connections:\n  - { from: Q, to: S }\n  - { from: K, to: Q }\n  - { from: S, to: D }\n';
    const { model } = parseFlow(text);
    assert.deepEqual(resolveFlowGraph(model).order, ['K', 'Q', 'S', 'D']);
    assert.deepEqual(flowToDiagram(model).nodes.map((n) => n.name), ['K', 'Q', 'S', 'D']);
    assert.deepEqual(flowToDiagram(model).nodes.map((n) => n.name), topologicalOrder(model.components.map((c) => c.name), model.connections.map((c) => [c.from!, c.to!]), 'document'));
  });

  it('finds what a component reaches, through cycles, without looping', () => {
    const links = [['A', 'B'], ['B', 'C'], ['C', 'B'], ['C', 'D']] as const;
    assert.equal(reaches(links, 'A', 'D'), true);
    assert.equal(reaches(links, 'D', 'A'), false);
    assert.equal(reaches(links, 'B', 'B'), true);
  });

  it('orders, draws and checks a 20,000-component chain in linear time', () => {
    const model = chain(20_000);
    const links = model.connections.map((c) => [c.from!, c.to!] as const);
    const started = process.hrtime.bigint();
    const order = resolveFlowGraph(model).order;
    const nodes = flowToDiagram(model).nodes;
    const cycle = reaches(links, 'C0', 'C19999');
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.deepEqual([order[0], order[19_999], nodes[0]!.name, nodes[19_999]!.name, cycle], ['C0', 'C19999', 'C0', 'C19999', true]);
    // The quadratic copies take 20,000² steps per order (minutes on a loaded machine); the linear ones well under this.
    assert.ok(ms < 10_000, `${ms} ms`);
  });

  it('refuses a connection that closes a cycle, found by the same reachability', () => {
    const text = 'flow: f\ncomponents:\n  A: { type: service, url: u }\n  B: { type: service, url: u }\n  C: { type: service, url: u }\nconnections:\n  - { from: A, to: B }\n  - { from: B, to: C }\n';
    assert.equal(connectionRefusal(text, 'C', 'A'), 'connecting "C" to "A" would make a cycle');
    assert.equal(connectionRefusal(text, 'A', 'C'), undefined);
  });
});
