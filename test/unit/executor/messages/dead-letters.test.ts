// Dead letters recognised by their headers, grouped, stripped and counted; the flow a redrive runs is a valid flow.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFlow } from '../../../../flow/parse';
import { chooseDeadLetter, deadLetterOf, DeadLetterGroups, originOfId, redrivenHeaders } from '../../../../executor/messages/dead-letters';
import { planPicks } from '../../../../executor/messages/redrive-survey';
import { planRedrive, redriveFlowText } from '../../../../executor/messages/redrive-plan';
import { planRun } from '../../../../executor/plan';

const xDeath = JSON.stringify([
  { count: 2, reason: 'rejected', queue: 'orders', time: { '!': 'timestamp', value: 1764640000 }, exchange: 'shop', 'routing-keys': ['orders.created'] },
  { count: 1, reason: 'expired', queue: 'orders-delay', exchange: '', 'routing-keys': ['orders-delay'] },
]);

describe('dead letters', () => {
  it('reads RabbitMQ x-death: the newest entry\'s queue, exchange, routing keys, reason and count', () => {
    assert.deepEqual(deadLetterOf({ 'x-death': xDeath, 'x-first-death-queue': 'orders-delay' }), {
      origin: { broker: 'mq', queue: 'orders', exchange: 'shop', routingKeys: ['orders.created'] },
      originId: 'mq:orders', reason: 'rejected', count: 2, convention: 'x-death', redriven: 0,
    });
  });

  it('reads Spring\'s kafka_dlt-* headers (binary partition and offset are not decimal, so left out) and Kafka Connect\'s __connect.errors.*', () => {
    assert.deepEqual(deadLetterOf({ 'kafka_dlt-original-topic': 'orders', 'kafka_dlt-original-partition': '\u0000\u0000\u0000\u0001', 'kafka_dlt-exception-message': 'bad payload', 'x-flowtracer-redriven': '2' }), {
      origin: { broker: 'kafka', topic: 'orders' }, originId: 'kafka:orders', reason: 'bad payload', count: 1, convention: 'spring', redriven: 2,
    });
    assert.deepEqual(deadLetterOf({ '__connect.errors.topic': 'payments', '__connect.errors.partition': '3', '__connect.errors.offset': '42', '__connect.errors.exception.class.name': 'org.apache.kafka.connect.errors.DataException' }), {
      origin: { broker: 'kafka', topic: 'payments', partition: 3, offset: '42' }, originId: 'kafka:payments', reason: 'org.apache.kafka.connect.errors.DataException', count: 1, convention: 'kafka-connect', redriven: 0,
    });
    assert.deepEqual(deadLetterOf({ 'x-original-topic': 'orders' })?.reason, 'unknown');
    assert.equal(deadLetterOf({ 'content-type': 'application/json' }), undefined);
    assert.equal(deadLetterOf({ 'x-death': 'not json' }), undefined);
  });

  it('strips the dead-lettering\'s headers unless kept, and counts the redrive', () => {
    const headers = { 'x-death': xDeath, 'x-first-death-reason': 'expired', 'x-last-death-queue': 'orders', 'kafka_dlt-original-topic': 'o', '__connect.errors.topic': 'p', 'x-original-topic': 'o', 'x-exception-message': 'e', tenant: 'acme', 'x-flowtracer-redriven': '1' };
    assert.deepEqual(redrivenHeaders(headers, false), { tenant: 'acme', 'x-flowtracer-redriven': '2' });
    assert.deepEqual(redrivenHeaders(headers, true), { ...headers, 'x-flowtracer-redriven': '2' });
    assert.deepEqual(redrivenHeaders({}, false), { 'x-flowtracer-redriven': '1' });
  });

  it('takes the picked origin and reasons, and leaves a message redriven maxRedrives times', () => {
    const select = { origin: 'mq:orders', reasons: ['rejected'], maxRedrives: 3, keepHeaders: false };
    assert.equal(chooseDeadLetter(deadLetterOf({ 'x-death': xDeath }), select), 'take');
    assert.equal(chooseDeadLetter(deadLetterOf({ 'x-death': xDeath, 'x-flowtracer-redriven': '3' }), select), 'too-often');
    assert.equal(chooseDeadLetter(deadLetterOf({ 'x-death': xDeath }), { ...select, reasons: ['expired'] }), 'other');
    assert.equal(chooseDeadLetter(deadLetterOf({ 'x-original-topic': 'orders' }), select), 'other');
    assert.equal(chooseDeadLetter(undefined, select), 'other');
  });

  it('groups by origin and reason in the order first seen', () => {
    const groups = new DeadLetterGroups(3);
    for (const h of <Record<string, string>[]>[{ 'x-death': xDeath }, { 'x-original-topic': 'a', 'x-exception-message': 'timeout' }, { 'x-death': xDeath, 'x-flowtracer-redriven': '5' }, {}, { 'x-death': xDeath }]) groups.add(h);
    assert.deepEqual(groups.list().map((g) => [g.originId, g.reason, g.count, g.tooOften]), [['mq:orders', 'rejected', 2, 1], ['kafka:a', 'timeout', 1, 0]]);
    assert.equal(groups.notDeadLetters, 1);
  });

  it('plans one run per origin and target, as a flow the engine plans like any other (references and access kept)', () => {
    const text = `flow: shop
access: { github: { users: [alice] } }
defaults: { retry: { strategy: fixed, delay: 1s, maxAttempts: 2 } }
components:
  DLQ: { type: mq, url: "\${env:AMQP_URL}", queue: dlq }
  Orders: { type: mq, url: "\${env:AMQP_URL}", queue: "\${env:ORDERS_QUEUE:-orders}" }
  Audit: { type: kafka, brokers: [localhost:9092], topic: audit }
connections:
  - from: Orders
    to: Audit
`;
    const model = parseFlow(text).model;
    const groups = new DeadLetterGroups(3);
    groups.add({ 'x-death': xDeath });
    groups.add({ 'x-original-topic': 'nowhere' });
    const addresses = [{ component: model.components[0]!, queue: 'dlq' }, { component: model.components[1]!, queue: 'orders' }, { component: model.components[2]!, topic: 'audit' }];
    const plan = planRedrive(groups.list(), addresses, 'DLQ', undefined);
    assert.deepEqual(plan.moves.map((m) => [m.target.name, m.originId]), [['Orders', 'mq:orders']]);
    assert.deepEqual(plan.unmatched.map((g) => g.originId), ['kafka:nowhere']);
    const flow = redriveFlowText(model, model.components[0]!, plan.moves[0]!, { maxRedrives: 3, keepHeaders: false });
    const run = planRun(flow);
    assert.deepEqual(run.connections.map((c) => [c.id, c.props.select]), [['DLQ -> Orders', { until: 'empty', deadLetters: { origin: 'mq:orders', reasons: ['rejected'], maxRedrives: 3, keepHeaders: false } }]]);
    assert.deepEqual(run.model.access, { github: { users: ['alice'] } });
    assert.equal(run.components.find((c) => c.name === 'Orders')!.props.queue, '${env:ORDERS_QUEUE:-orders}');
    assert.deepEqual(planRedrive(groups.list(), addresses, 'DLQ', model.components[2]).moves.map((m) => [m.target.name, m.originId]), [['Audit', 'mq:orders'], ['Audit', 'kafka:nowhere']]);
  });

  it('plans the picks a survey counted without reading the component: the same moves as the survey\'s, an origin id that names none refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ft-picks-'));
    try {
      const file = join(dir, 'shop.flow.yaml');
      writeFileSync(file, 'flow: shop\ncomponents:\n  DLQ: { type: mq, url: "amqp://localhost", queue: dlq }\n  Orders: { type: mq, url: "amqp://localhost", queue: orders }\n  Audit: { type: kafka, brokers: [localhost:9092], topic: audit }\n');
      const picks = [{ origin: 'mq:orders', reason: 'rejected', count: 12 }, { origin: 'kafka:audit', reason: 'timeout', count: 3 }, { origin: 'mq:orders', reason: 'expired', count: 2 }];
      const planned = await planPicks(file, 'DLQ', picks, undefined, AbortSignal.timeout(5000));
      assert.deepEqual(planned.plan.moves.map((m) => [m.target.name, m.originId, m.groups.map((g) => [g.reason, g.count])]), [['Orders', 'mq:orders', [['rejected', 12], ['expired', 2]]], ['Audit', 'kafka:audit', [['timeout', 3]]]]);
      assert.deepEqual((await planPicks(file, 'DLQ', picks.slice(0, 1), 'Audit', AbortSignal.timeout(5000))).plan.moves.map((m) => [m.target.name, m.originId]), [['Audit', 'mq:orders']]);
      await assert.rejects(planPicks(file, 'DLQ', [{ origin: 'orders', reason: 'rejected', count: 1 }], undefined, AbortSignal.timeout(5000)), /'orders' is no dead-letter origin \(kafka:TOPIC or mq:QUEUE\)/);
      assert.deepEqual(originOfId('kafka:a:b'), { broker: 'kafka', topic: 'a:b' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
