// Draining a queue (`until: empty`) against the real RabbitMQ: it moves the messages the queue held when it started, consuming with prefetch.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { MqReader } from '../../../executor/connectors/mq-reader';
import { RetrySchedule } from '../../../executor/retry-schedule';
import type { SourceMessage } from '../../../executor/connectors/connector';

const url = () => process.env.FLOWTRACER_TEST_AMQP_URL ?? '';
const signal = () => AbortSignal.timeout(20_000);
const keys = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `k${from + i}`);

/** Publishes `k<from>`..`k<to - 1>` persistent, and waits for the broker's confirms. */
async function publish(channel: amqp.ConfirmChannel, queue: string, from: number, to: number): Promise<void> {
  for (let n = from; n < to; n++) channel.sendToQueue(queue, Buffer.from(JSON.stringify({ n })), { messageId: `k${n}`, persistent: true });
  await channel.waitForConfirms();
}

/** Every message left on the queue, by key, in queue order. */
async function remaining(channel: Channel, queue: string): Promise<string[]> {
  const out: string[] = [];
  for (let got = await channel.get(queue, { noAck: true }); got; got = await channel.get(queue, { noAck: true })) out.push(String(got.properties.messageId));
  return out;
}

describe('mq drain (until: empty)', function () {
  this.timeout(60_000);
  let queue: string;
  let admin: ChannelModel;
  let channel: amqp.ConfirmChannel;
  const connections: ChannelModel[] = [];

  /** A consumer channel as the connector opens one: its own connection (so a test can drop it), prefetch set. */
  const open = async (): Promise<Channel> => {
    const connection = await amqp.connect(url());
    connections.push(connection);
    const consumer = await connection.createChannel();
    await consumer.prefetch(10);
    return consumer;
  };
  const reader = async (options: { dryRun?: boolean } = {}) =>
    new MqReader('OrderQueue', open, { queue, prefetch: 10, select: { until: 'empty' }, reconnect: RetrySchedule.fromSettings({ strategy: 'fixed', delay: '10ms', maxAttempts: 5 }), ...options }, await open());

  beforeEach(async () => {
    queue = `ft-drain-${randomUUID()}`;
    admin = await amqp.connect(url());
    channel = await admin.createConfirmChannel();
    await channel.assertQueue(queue, { durable: true });
  });

  afterEach(async () => {
    for (const connection of connections.splice(0)) await connection.close().catch(() => undefined);
    await channel.deleteQueue(queue);
    await admin.close();
  });

  it('moves exactly the messages queued when it started while a publisher keeps publishing, and leaves the others queued', async () => {
    await publish(channel, queue, 0, 500);
    const drain = await reader();
    let publishing: Promise<void> | undefined;
    let published = 500;
    let done = false;
    const got: SourceMessage[] = [];
    for await (const m of drain.messages(signal())) {
      got.push(m);
      // The publisher starts once the drain read its first message (the count is taken before), and runs until the drain ends.
      publishing ??= (async () => {
        while (!done) await publish(channel, queue, published, (published += 20));
      })();
      assert.equal(await drain.commit(m), undefined);
    }
    done = true;
    await publishing;
    await drain.close();
    assert.ok(published > 520, `the publisher kept publishing during the drain (${published - 500} messages)`);
    assert.deepEqual(got.map((m) => m.key), keys(0, 500), 'the 500 queued at the start, in order, and nothing more');
    assert.deepEqual(await remaining(channel, queue), keys(500, published), 'everything published meanwhile is still on the queue, in order');
  });

  it('ends at once on an empty queue', async () => {
    const drain = await reader();
    const got: SourceMessage[] = [];
    for await (const m of drain.messages(signal())) got.push(m);
    await drain.close();
    assert.deepEqual(got, []);
  });

  it('ends when the queue runs dry before its count: another client purged it', async () => {
    await publish(channel, queue, 0, 50);
    const drain = await reader();
    const got: SourceMessage[] = [];
    const deadline = signal();
    for await (const m of drain.messages(deadline)) {
      got.push(m);
      // With the prefetch (10) in hand and unacked, the broker sends no more: the rest is purged under the drain, then they are acked.
      if (got.length === 10) {
        await channel.purgeQueue(queue);
        for (const held of got) await drain.commit(held);
      }
      if (got.length > 10) await drain.commit(m);
    }
    await drain.close();
    assert.equal(deadline.aborted, false, 'the drain ended by itself, not at the deadline');
    assert.deepEqual(got.map((m) => m.key), keys(0, 10));
    assert.deepEqual(await remaining(channel, queue), []);
  });

  it('loses nothing when its connection drops mid-drain: the unacked messages come back and count once', async () => {
    await publish(channel, queue, 0, 200);
    const drain = await reader();
    const got: SourceMessage[] = [];
    let publishing: Promise<void> | undefined;
    for await (const m of drain.messages(signal())) {
      got.push(m);
      if (got.length <= 50) assert.equal(await drain.commit(m), undefined);
      if (got.length === 50) {
        // Messages published after the start must still stay queued across the reconnection.
        publishing = publish(channel, queue, 200, 230);
        await connections[0]!.close(); // dropped with up to a prefetch of messages delivered and unacked
      }
      if (got.length > 50) assert.equal(await drain.commit(m), undefined);
    }
    await publishing;
    await drain.close();
    const read = got.map((m) => m.key);
    assert.deepEqual(read.slice(0, 50), keys(0, 50), 'read in order up to the drop');
    assert.deepEqual([...new Set(read)].sort(), keys(0, 200).sort(), 'every message queued at the start was read, none published after it');
    assert.equal(new Set(got.map((m) => m.position)).size, got.length, 'positions are unique across the two channels');
    assert.deepEqual(await remaining(channel, queue), keys(200, 230), 'the queue holds exactly what was published after the start');
  });

  it('reads the whole count in a dry run, which holds every message it read unacked until close', async () => {
    await publish(channel, queue, 0, 45);
    const drain = await reader({ dryRun: true });
    const got: SourceMessage[] = [];
    for await (const m of drain.messages(signal())) {
      got.push(m);
      await drain.release(m);
    }
    await drain.close();
    assert.deepEqual(got.map((m) => m.key), keys(0, 45), 'more than the prefetch (10), each once');
    assert.deepEqual(await remaining(channel, queue), keys(0, 45), 'a dry run gives everything back');
  });
});
