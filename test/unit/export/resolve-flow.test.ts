// Export: the resolved flow has the schema's defaults, inferred kinds and env values, and never a secret's value.
import * as assert from 'node:assert/strict';
import { parse } from 'yaml';
import { formatResolvedFlow } from '../../../flow/export/format-resolved';
import { resolveFlow } from '../../../flow/export/resolve-flow';

const FLOW = `flow: orders
defaults:
  retry: { strategy: fixed, delay: 2s }
components:
  OrderTopic:
    type: kafka
    brokers: ["\${env:KAFKA_BROKERS:-localhost:9092}"]
    topic: \${env:TOPIC}
  OrderQueue:
    type: mq
    url: amqp://guest:\${secret:rabbit-password}@\${env:RABBIT_HOST}:5672
    queue: orders
    retry: { strategy: custom, delays: [1s, 5s] }
    validation: strict
  OrderDB:
    type: database
    url: postgres://\${env:MISSING_HOST}/orders
connections:
  - from: OrderTopic
    to: OrderQueue
  - from: OrderQueue
    to: OrderDB
    table: orders
`;

describe('resolved flow export', () => {
  const { flow, unresolvedEnv } = resolveFlow(FLOW, { TOPIC: 'orders-v2', RABBIT_HOST: 'rabbit.local', 'rabbit-password': 'hunter2' });

  it('applies each component type\'s defaults from the schema, keeping written values', () => {
    const components = flow.components as Record<string, Record<string, unknown>>;
    assert.deepEqual(components.OrderTopic, {
      type: 'kafka', clientId: 'flowtracer', ssl: false, brokers: ['localhost:9092'], topic: 'orders-v2',
      retry: { strategy: 'fixed', delay: '2s', maxAttempts: 5, jitter: 'full', retryOn: ['timeout', 'connection', '5xx', '429'], abortOn: ['4xx', 'validation'] },
      validation: 'warn',
    });
    assert.deepEqual(components.OrderQueue, {
      type: 'mq', prefetch: 1000, durable: true, url: 'amqp://guest:${secret:rabbit-password}@rabbit.local:5672', queue: 'orders',
      retry: { strategy: 'custom', delays: ['1s', '5s'], maxAttempts: 5, jitter: 'full', retryOn: ['timeout', 'connection', '5xx', '429'], abortOn: ['4xx', 'validation'] },
      validation: 'strict',
    });
    assert.equal((components.OrderDB as { schema: string }).schema, 'public');
  });

  it('writes the inferred kind of every connection and the defaults its ends give it', () => {
    assert.deepEqual(flow.connections, [
      { from: 'OrderTopic', to: 'OrderQueue', kind: 'kafka-to-mq', select: { from: 'earliest' } },
      { from: 'OrderQueue', to: 'OrderDB', kind: 'db', operation: 'insert', table: 'orders' },
    ]);
  });

  it('resolves env references from the map or their fallback, and lists those it could not', () => {
    assert.deepEqual(unresolvedEnv, ['MISSING_HOST']);
    assert.equal((flow.components as Record<string, { url: string }>).OrderDB!.url, 'postgres://${env:MISSING_HOST}/orders');
  });

  it('never puts a secret\'s value in the output, in YAML or JSON', () => {
    for (const format of ['yaml', 'json'] as const) {
      const text = formatResolvedFlow(flow, format);
      assert.ok(!text.includes('hunter2'), `${format} has no secret value`);
      assert.ok(text.includes('${secret:rabbit-password}'), `${format} keeps the secret reference`);
    }
  });

  it('writes YAML in block style that reads back to the same data, keys in the format\'s order', () => {
    const yaml = formatResolvedFlow(flow, 'yaml');
    assert.deepEqual(parse(yaml), flow);
    assert.deepEqual(Object.keys(parse(yaml) as object), ['flow', 'defaults', 'components', 'connections']);
    assert.ok(!/:\s*\{/.test(yaml), 'no flow-style maps');
    assert.deepEqual(JSON.parse(formatResolvedFlow(flow, 'json')), flow);
  });
});

describe('resolved flow export of credentials', () => {
  const CREDENTIALS = `flow: creds
components:
  Orders:
    type: service
    url: http://\${env:SVC_HOST}:8080/orders
    headers: { Authorization: "Bearer \${env:API_TOKEN}", x-region: "\${env:REGION}" }
  Audit:
    type: database
    url: postgres://app:\${env:PG_PASSWORD}@\${env:PG_HOST}/audit
connections:
  - from: Orders
    to: Audit
    table: audit
`;
  const env = { SVC_HOST: 'svc.local', API_TOKEN: 'tok-live-1', REGION: 'eu', PG_PASSWORD: 'p@ss', PG_HOST: 'db.local' };

  it('keeps ${env:…} where it is a credential key\'s value or a URL\'s password, and resolves the rest', () => {
    const components = resolveFlow(CREDENTIALS, env).flow.components as Record<string, Record<string, unknown>>;
    assert.equal(components.Orders!.url, 'http://svc.local:8080/orders');
    assert.deepEqual(components.Orders!.headers, { Authorization: 'Bearer ${env:API_TOKEN}', 'x-region': 'eu' });
    assert.equal(components.Audit!.url, 'postgres://app:${env:PG_PASSWORD}@db.local/audit');
    const text = formatResolvedFlow(resolveFlow(CREDENTIALS, env).flow, 'yaml');
    for (const secret of ['tok-live-1', 'p@ss']) assert.ok(!text.includes(secret), secret);
  });

  it('keeps every ${env:…} of a component marked secret: true, and resolves the other components\' values', () => {
    const text = CREDENTIALS.replace('    type: service\n', '    type: service\n    secret: true\n');
    const components = resolveFlow(text, env).flow.components as Record<string, Record<string, unknown>>;
    assert.equal(components.Orders!.url, 'http://${env:SVC_HOST}:8080/orders');
    assert.deepEqual(components.Orders!.headers, { Authorization: 'Bearer ${env:API_TOKEN}', 'x-region': '${env:REGION}' });
    assert.equal(components.Audit!.url, 'postgres://app:${env:PG_PASSWORD}@db.local/audit');
  });

  it('resolves nothing without an environment (an untrusted workspace)', () => {
    const components = resolveFlow(CREDENTIALS, undefined).flow.components as Record<string, Record<string, unknown>>;
    assert.equal(components.Orders!.url, 'http://${env:SVC_HOST}:8080/orders');
    assert.deepEqual(components.Orders!.headers, { Authorization: 'Bearer ${env:API_TOKEN}', 'x-region': '${env:REGION}' });
  });
});
