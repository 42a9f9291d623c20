// The diagram model of a flow: nodes in topological order, key settings with secrets masked, ghosts, edge kinds.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFlow } from '../../../flow/parse';
import { topologicalOrder } from '../../../flow/graph';
import { flowToDiagram } from '../../../webview/graph/flow-to-diagram';
import { MASK, maskSecretReferences } from '../../../flow/secret-mask';
import { envReferences, hostOf, keySetting } from '../../../webview/graph/key-setting';

const orderProcessing = readFileSync(join(__dirname, 'fixtures/order-processing.flow.yaml'), 'utf8');
const diagramOf = (text: string) => flowToDiagram(parseFlow(text).model);

describe('flow to diagram model', () => {
  it('draws one node per component in topological order with its type and key setting', () => {
    const { nodes } = diagramOf(orderProcessing);
    assert.deepEqual(
      nodes.map((n) => [n.name, n.type, n.keySetting, n.ghost, n.order]),
      [
        ['OrderTopic', 'kafka', 'topic orders', false, 0],
        ['OrderQueue', 'mq', 'queue orders', false, 1],
        ['OrderService', 'service', 'POST localhost:8080/orders', false, 2],
        ['OrderDB', 'database', 'localhost:5432/orders', false, 3],
        ['StatusAPI', 'api', 'status.example.com/v1/events', false, 4],
      ],
    );
  });

  it('labels each edge with the inferred connection kind', () => {
    const { edges } = diagramOf(orderProcessing);
    assert.deepEqual(
      edges.map((e) => [e.id, e.source, e.target, e.label]),
      [
        ['e:0', 'n:OrderTopic', 'n:OrderQueue', 'kafka-to-mq'],
        ['e:1', 'n:OrderQueue', 'n:OrderService', 'processing'],
        ['e:2', 'n:OrderService', 'n:OrderDB', 'db'],
        ['e:3', 'n:OrderService', 'n:StatusAPI', 'processing'],
      ],
    );
  });

  it('draws an unknown connection end as a ghost node and skips a connection without a target', () => {
    const diagram = diagramOf(`components:
  A: { type: kafka, brokers: [x], topic: t }
connections:
  - { from: A, to: Missing, kind: kafka-to-mq }
  - { from: A }
`);
    assert.deepEqual(diagram.nodes.map((n) => [n.name, n.type, n.ghost, n.keySetting]), [
      ['A', 'kafka', false, 'topic t'],
      ['Missing', undefined, true, undefined],
    ]);
    assert.deepEqual(diagram.edges.map((e) => [e.source, e.target, e.label]), [['n:A', 'n:Missing', 'kafka-to-mq']]);
  });

  it('draws what it can of a flow with a YAML error', () => {
    const parsed = parseFlow('components:\n  A: { type: mq, url: "amqp://h", queue: q }\n  B: [unclosed\n');
    assert.ok(parsed.yamlDiagnostics.length > 0);
    assert.deepEqual(flowToDiagram(parsed.model).nodes.map((n) => n.name), ['A', 'B']);
  });

  it('orders a cycle from its earliest component in the document', () => {
    assert.deepEqual(topologicalOrder(['A', 'B', 'C', 'D'], [['B', 'C'], ['C', 'B'], ['A', 'B'], ['D', 'A']], 'document'), ['D', 'A', 'B', 'C']);
  });
});

describe('key settings', () => {
  it('never shows a secret or the credentials of a URL', () => {
    assert.equal(maskSecretReferences('Bearer ${secret:status-token}'), `Bearer ${MASK}`);
    assert.equal(hostOf('amqp://guest:${secret:rabbit-password}@localhost:5672/vhost?x=1', true), 'localhost:5672/vhost');
    assert.equal(hostOf('postgres://app:hunter2@db.internal:5432/orders', false), 'db.internal:5432');
    assert.equal(keySetting('database', { url: 'postgres://${secret:pg-user}@${secret:pg-host}/orders' }), `${MASK}/orders`);
    assert.equal(keySetting('kafka', { topic: 'orders-${secret:suffix}' }), `topic orders-${MASK}`);
  });

  it('shows no env default of a component marked secret: true', () => {
    assert.equal(keySetting('kafka', { topic: 'orders-${env:TENANT:-acme}' }), 'topic orders-acme');
    assert.equal(keySetting('kafka', { secret: true, topic: 'orders-${env:TENANT:-acme}' }), `topic orders-${MASK}`);
    assert.deepEqual(envReferences({ secret: true, topic: 'orders-${env:TENANT:-acme}' }), [`topic: orders-\${env:TENANT:-${MASK}}`]);
  });

  it('shows the table of a database and the method and host of a service', () => {
    assert.equal(keySetting('database', { url: 'postgres://localhost/orders', table: 'processed' }), 'table processed');
    assert.equal(keySetting('service', { url: 'https://svc:8443/v1/orders', method: 'put' }), 'PUT svc:8443/v1/orders');
    assert.equal(keySetting('mq', { url: 'amqp://h', exchange: 'events' }), 'exchange events');
  });
});
