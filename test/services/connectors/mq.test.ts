// The mq connector against the real RabbitMQ at FLOWTRACER_TEST_AMQP_URL.
import { MASK } from '../../../flow/secret-mask';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { MqConnector } from '../../../executor/connectors/mq';
import { MqPublisher } from '../../../executor/connectors/mq-publisher';
import { MqReader } from '../../../executor/connectors/mq-reader';
import { RetrySchedule } from '../../../executor/retry-schedule';
import type { SourceMessage } from '../../../executor/connectors/connector';

const url = () => process.env.FLOWTRACER_TEST_AMQP_URL ?? '';
const signal = () => AbortSignal.timeout(10_000);
const message = (n: number) => ({ key: `k${n}`, value: Buffer.from(`{"n":${n}}`), headers: { traceparent: `t${n}` } });

async function collect(iterable: AsyncIterable<SourceMessage>): Promise<SourceMessage[]> {
  const out: SourceMessage[] = [];
  for await (const m of iterable) out.push(m);
  return out;
}

describe('mq connector', () => {
  let queue: string;
  let connector: MqConnector;

  beforeEach(() => {
    queue = `ft-${randomUUID()}`;
    connector = new MqConnector('OrderQueue', { url: url(), queue, prefetch: 10 });
  });

  afterEach(async () => {
    await connector.close();
    const connection = await amqp.connect(url());
    const channel = await connection.createChannel();
    await channel.deleteQueue(queue);
    await connection.close();
  });

  it('publishes with a confirm and gets the message back with its key and headers, acked on commit', async () => {
    await connector.preflight(signal());
    const writer = await connector.openWriter({}, signal());
    const delivery = await writer.write(message(1), signal());
    assert.equal(delivery.position, `(default)/${queue}#1`);
    const reader = await connector.openReader({ select: { until: 'empty' } }, signal());
    const got = await collect(reader.messages(signal()));
    assert.deepEqual(got.map((m) => [m.key, m.value.toString(), m.headers.traceparent]), [['k1', '{"n":1}', 't1']]);
    await reader.commit(got[0]!);
    await reader.close();
    const check = await amqp.connect(url());
    const channel = await check.createChannel();
    assert.equal((await channel.checkQueue(queue)).messageCount, 0);
    await check.close();
  });

  it('stops at the limit and gives released messages back to the queue', async () => {
    const writer = await connector.openWriter({}, signal());
    await Promise.all([1, 2, 3].map((n) => writer.write(message(n), signal())));
    const reader = await connector.openReader({ select: { limit: 2 } }, signal());
    const got = await collect(reader.messages(signal()));
    assert.deepEqual(got.map((m) => m.key), ['k1', 'k2']);
    await reader.commit(got[0]!);
    await reader.release(got[1]!);
    await reader.close();
    const again = await connector.openReader({ select: { until: 'empty' } }, signal());
    const rest = await collect(again.messages(signal()));
    assert.deepEqual(rest.map((m) => m.key).sort(), ['k2', 'k3']);
    for (const m of rest) await again.commit(m);
    await again.close();
  });

  it('fails every pending publish when the connection closes before the broker confirms', async () => {
    const raw = await amqp.connect(url());
    const channel = await raw.createConfirmChannel();
    const publisher = new MqPublisher('OrderQueue', () => raw.createConfirmChannel(), { exchange: '', routingKey: queue, confirmTimeoutMs: 5000 }, channel);
    const writes = Promise.allSettled([1, 2, 3].map((n) => publisher.write(message(n), signal())));
    await raw.close(); // the confirms can no longer arrive: amqplib alone would never call back (#191, #419)
    const results = await writes;
    for (const result of results) {
      assert.equal(result.status, 'rejected');
      const reason = (result as PromiseRejectedResult).reason as { errorClass: string; message: string };
      assert.equal(reason.errorClass, 'connection');
      // amqplib 0.10.5+ nacks pending confirms on close; older ones never call back and our close handler fails them.
      assert.match(reason.message, /^component OrderQueue: (the channel (closed|lost its connection) before the broker confirmed|the broker did not confirm the message)/);
    }
    // The next write tries a new channel, and says why it cannot have one.
    await assert.rejects(publisher.write(message(4), signal()), /^ConnectorError: component OrderQueue: could not reopen the channel to publish on: /);
  });

  it('reads on after its connection dropped: unacked messages come back, their old positions are not committed', async () => {
    const writer = await connector.openWriter({}, signal());
    await Promise.all([1, 2, 3, 4].map((n) => writer.write(message(n), signal())));
    const connections: ChannelModel[] = [];
    const open = async (): Promise<Channel> => {
      const connection = await amqp.connect(url());
      connections.push(connection);
      const channel = await connection.createChannel();
      await channel.prefetch(10);
      return channel;
    };
    const reader = new MqReader('OrderQueue', open, { queue, prefetch: 10, select: { limit: 4 }, reconnect: RetrySchedule.fromSettings({ strategy: 'fixed', delay: '10ms', maxAttempts: 3 }) }, await open());
    const got: SourceMessage[] = [];
    for await (const m of reader.messages(signal())) {
      got.push(m);
      if (got.length === 1) assert.equal(await reader.commit(m), undefined);
      if (got.length === 2) await connections[0]!.close(); // the connection drops with k2 read but not acked
    }
    // k1 was acked before the drop; k2 came back on the new channel under a new position; the limit counts messages, not reads.
    assert.deepEqual(got.map((m) => m.key), ['k1', 'k2', 'k2', 'k3', 'k4']);
    assert.notEqual(got[1]!.position, got[2]!.position);
    assert.equal(await reader.commit(got[1]!), false, 'the position read on the lost channel cannot be committed');
    for (const m of got.slice(2)) assert.equal(await reader.commit(m), undefined);
    await reader.close();
    for (const connection of connections.slice(1)) await connection.close();
    const check = await amqp.connect(url());
    assert.equal((await (await check.createChannel()).checkQueue(queue)).messageCount, 0);
    await check.close();
  });

  it('gives up after the retry strategy when the channel cannot be reopened, leaving the unacked messages on the queue', async () => {
    const writer = await connector.openWriter({}, signal());
    await Promise.all([1, 2].map((n) => writer.write(message(n), signal())));
    const first = await amqp.connect(url());
    const channel = await first.createChannel();
    let attempts = 0;
    const refused = async (): Promise<Channel> => {
      attempts += 1;
      throw new Error('connect ECONNREFUSED 127.0.0.1:1');
    };
    const reader = new MqReader('OrderQueue', refused, { queue, prefetch: 10, select: { limit: 2 }, reconnect: RetrySchedule.fromSettings({ strategy: 'fixed', delay: '10ms', maxAttempts: 3 }) }, channel);
    const got: SourceMessage[] = [];
    await assert.rejects(
      (async () => {
        for await (const m of reader.messages(signal())) {
          got.push(m);
          await first.close(); // the connection drops with k1 read, never acked
        }
      })(),
      /^ConnectorError: component OrderQueue: lost the channel to queue ft-[0-9a-f-]+ and could not reopen it \(3 attempts\): connect ECONNREFUSED 127\.0\.0\.1:1$/,
    );
    assert.equal(attempts, 3);
    assert.equal(await reader.commit(got[0]!), false);
    await reader.close();
    const check = await amqp.connect(url());
    assert.equal((await (await check.createChannel()).checkQueue(queue)).messageCount, 2, 'both messages are still on the queue');
    await check.close();
  });

  it('fails a publish to the default exchange for a queue that does not exist as unroutable, not delivered', async () => {
    const missing = `ft-missing-${randomUUID()}`;
    const publisher = new MqConnector('OrderQueue', { url: url(), queue, routingKey: missing });
    try {
      const writer = await publisher.openWriter({}, signal());
      await assert.rejects(writer.write(message(1), signal()), (error: { errorClass: string; message: string }) => {
        assert.equal(error.errorClass, 'unroutable');
        assert.equal(error.message, `component OrderQueue: unroutable: no queue named ${missing} exists for the default exchange to route to (RabbitMQ returned the message: 312 NO_ROUTE); declare the queue, then \`flowtracer retry\` delivers it`);
        return true;
      });
      // The channel stays usable: once the queue exists, the next publish on it is confirmed and routed.
      const admin = await amqp.connect(url());
      const channel = await admin.createChannel();
      await channel.assertQueue(missing, { durable: true });
      await writer.write(message(2), signal());
      assert.equal((await channel.checkQueue(missing)).messageCount, 1);
      await channel.deleteQueue(missing);
      await admin.close();
    } finally {
      await publisher.close();
    }
  });

  it('tells each returned publish from the routed ones around it: a headers exchange that takes only the even messages', async () => {
    const exchange = `ft-x-${randomUUID()}`;
    const admin = await amqp.connect(url());
    const channel = await admin.createChannel();
    await channel.assertExchange(exchange, 'headers', { durable: false });
    await channel.assertQueue(queue, { durable: true });
    await channel.bindQueue(queue, exchange, '', { 'x-match': 'all', parity: 'even' });
    const publisher = new MqConnector('OrderQueue', { url: url(), queue, exchange, routingKey: 'orders' });
    try {
      const writer = await publisher.openWriter({}, signal());
      // Persistent publishes to a durable queue are confirmed after its fsync, returns come at once: each odd
      // message's return arrives while even ones before it still await their confirms (the oldest pending is not the returned one).
      const parity = (n: number) => (n % 2 === 0 ? 'even' : 'odd');
      const settled = await Promise.allSettled(Array.from({ length: 400 }, (_, n) => writer.write({ ...message(n), headers: { traceparent: `t${n}`, parity: parity(n) } }, signal())));
      const outcomes = settled.map((w, n) => (w.status === 'fulfilled' ? 'delivered' : (w.reason as { errorClass: string }).errorClass) + ` ${parity(n)}`);
      assert.deepEqual(outcomes, Array.from({ length: 400 }, (_, n) => (n % 2 === 0 ? 'delivered even' : 'unroutable odd')));
      const queued: number[] = [];
      for (let got = await channel.get(queue, { noAck: true }); got; got = await channel.get(queue, { noAck: true })) queued.push((JSON.parse(got.content.toString()) as { n: number }).n);
      assert.deepEqual(queued, Array.from({ length: 200 }, (_, k) => 2 * k), 'exactly the confirmed publishes are on the queue');
    } finally {
      await publisher.close();
      await channel.deleteExchange(exchange);
      await admin.close();
    }
  });

  it('names the component and masks the password when RabbitMQ is unreachable', async () => {
    const down = new MqConnector('Down', { url: 'amqp://guest:s3cret@127.0.0.1:1', queue });
    await assert.rejects(down.preflight(signal()), (error: Error) => {
      assert.ok(error.message.startsWith(`component Down: RabbitMQ at amqp://guest:${MASK}@127.0.0.1:1 is unreachable: `), error.message);
      assert.doesNotMatch(error.message, /s3cret/);
      return true;
    });
    await down.close();
  });
});
