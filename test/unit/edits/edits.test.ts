// The visual builder's YAML edits change only the lines they must and keep everything else byte for byte.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addComponent, removeComponent, renameComponent, setComponentField } from '../../../flow/edits/component-edits';
import { addConnection, connectionRefusal, removeConnection } from '../../../flow/edits/connection-edits';
import { applyEdits, type FlowEditResult } from '../../../flow/edits/text-edit';
import { parseFlow } from '../../../flow/parse';
import { lineDiff } from './line-diff';

const dense = readFileSync(join(__dirname, '../../fixtures/edits/dense.flow.yaml'), 'utf8');

function apply(text: string, result: FlowEditResult): string {
  assert.ok(result.ok, result.ok ? '' : result.reason);
  const out = applyEdits(text, result.edits);
  assert.deepEqual(parseFlow(out).yamlDiagnostics, [], `edited text parses cleanly:\n${out}`);
  return out;
}


describe('visual builder edits', () => {
  it('adds a component at the end of a block components map with its indentation', () => {
    const out = apply(dense, addComponent(dense, { name: 'OrderDB', type: 'database', fields: [['url', 'postgres://localhost/orders']] }));
    assert.deepEqual(lineDiff(dense, out), {
      removed: [],
      added: ['    OrderDB:', '        type: database', '        url: postgres://localhost/orders'],
    });
    assert.deepEqual(parseFlow(out).model.components.map((c) => c.name), ['OrderTopic', 'OrderQueue', 'OrderService', 'OrderDB']);
  });

  it('refuses a component name that already exists, with the reason', () => {
    assert.deepEqual(addComponent(dense, { name: 'OrderQueue', type: 'mq', fields: [] }), {
      ok: false,
      reason: 'a component named "OrderQueue" already exists',
    });
  });

  it('connects two components in the style of the last connection', () => {
    const withDb = apply(dense, addComponent(dense, { name: 'OrderDB', type: 'database', fields: [['url', 'postgres://x/y']] }));
    const out = apply(withDb, addConnection(withDb, 'OrderService', 'OrderDB'));
    assert.deepEqual(lineDiff(withDb, out), { removed: [], added: ['    - { from: OrderService, to: OrderDB }'] });
  });

  it('writes a block connection after a block item', () => {
    const text = 'flow: a\ncomponents:\n  A: { type: kafka, brokers: [b], topic: t }\n  B: { type: mq, url: amqp://h, queue: q }\n  C: { type: mq, url: amqp://h, queue: r }\nconnections:\n  - from: A\n    to: B\n';
    const out = apply(text, addConnection(text, 'B', 'C'));
    assert.equal(out, `${text}  - from: B\n    to: C\n`);
  });

  it('refuses a pair that cannot connect, saying why', () => {
    assert.deepEqual(connectionRefusal(dense, 'OrderService', 'OrderService'), 'a component cannot be connected to itself');
    assert.deepEqual(connectionRefusal(dense, 'OrderTopic', 'OrderQueue'), '"OrderTopic" is already connected to "OrderQueue"');
    assert.deepEqual(connectionRefusal(dense, 'OrderService', 'OrderTopic'), 'connecting "OrderService" to "OrderTopic" would make a cycle');
    assert.deepEqual(connectionRefusal(dense, 'Nope', 'OrderTopic'), 'no component named "Nope"');
  });

  it('removes a component and the connections that touch it, and nothing else', () => {
    const out = apply(dense, removeComponent(dense, 'OrderQueue'));
    assert.deepEqual(lineDiff(dense, out), {
      removed: [
        "    OrderQueue: { type: mq, url: 'amqp://guest:${secret:rabbit}@localhost:5672', queue: orders }   # inline",
        '    -   from: OrderTopic',
        '        to:   OrderQueue',
        '    - { from: OrderQueue, to: OrderService }   # processing',
      ],
      added: [],
    });
  });

  it('removes one connection by index', () => {
    const out = apply(dense, removeConnection(dense, 1));
    assert.deepEqual(lineDiff(dense, out), { removed: ['    - { from: OrderQueue, to: OrderService }   # processing'], added: [] });
  });

  it('renames a component and every reference follows', () => {
    const out = apply(dense, renameComponent(dense, 'OrderQueue', 'Orders'));
    const { model } = parseFlow(out);
    assert.deepEqual(model.components.map((c) => c.name), ['OrderTopic', 'Orders', 'OrderService']);
    assert.deepEqual(model.connections.map((c) => [c.from, c.to]), [['OrderTopic', 'Orders'], ['Orders', 'OrderService']]);
    assert.equal(lineDiff(dense, out).removed.length, 3);
  });

  it('sets a field in a block component, keeping its comments', () => {
    const out = apply(dense, setComponentField(dense, 'OrderTopic', 'topic', 'orders-v2'));
    assert.deepEqual(lineDiff(dense, out), { removed: ['        topic: "orders"'], added: ['        topic: orders-v2'] });
  });

  it('adds a field to a flow-style component inside its braces', () => {
    const out = apply(dense, setComponentField(dense, 'OrderQueue', 'prefetch', 50));
    assert.match(out, /queue: orders, prefetch: 50 }   # inline/);
  });

  it('quotes values that YAML would misread', () => {
    const out = apply(dense, setComponentField(dense, 'OrderService', 'method', 'yes: no'));
    assert.match(out, /\n {8}method: "yes: no"\n/);
  });

  it('undoing the edits restores the original byte for byte', () => {
    const result = addComponent(dense, { name: 'X', type: 'service', fields: [['url', 'http://x']] });
    assert.ok(result.ok);
    const out = applyEdits(dense, result.edits);
    // An insertion's inverse removes exactly the inserted text.
    const edit = result.edits[0]!;
    const undone = applyEdits(out, [{ start: edit.start, end: edit.start + edit.newText.length, newText: dense.slice(edit.start, edit.end) }]);
    assert.equal(undone, dense);
  });

  it('creates the components and connections sections in an empty flow', () => {
    const start = 'flow: empty\n';
    const one = apply(start, addComponent(start, { name: 'A', type: 'mq', fields: [['url', 'amqp://h'], ['queue', 'a']] }));
    const two = apply(one, addComponent(one, { name: 'B', type: 'mq', fields: [['url', 'amqp://h'], ['queue', 'b']] }));
    const three = apply(two, addConnection(two, 'A', 'B'));
    assert.equal(three, 'flow: empty\ncomponents:\n  A:\n    type: mq\n    url: amqp://h\n    queue: a\n  B:\n    type: mq\n    url: amqp://h\n    queue: b\nconnections:\n  - from: A\n    to: B\n');
  });
});
