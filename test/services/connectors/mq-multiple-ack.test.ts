// The mq reader's acks against the real RabbitMQ: one ack with `multiple` per group of commits, never past a message that is not committed.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import amqp, { type Channel, type ChannelModel, type Message } from 'amqplib';
import { MqReader } from '../../../executor/connectors/mq-reader';
import { RetrySchedule } from '../../../executor/retry-schedule';
import type { SourceMessage } from '../../../executor/connectors/connector';

const url = () => process.env.FLOWTRACER_TEST_AMQP_URL ?? '';
const keys = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `k${from + i}`);

describe('mq source acks (multiple)', function () {
  this.timeout(60_000);
  let queue: string;
  let admin: ChannelModel;
  let channel: amqp.ConfirmChannel;
  let consumerConnection: ChannelModel;
  /** Every basic.ack the reader sent: its delivery tag and whether it took every tag up to it. */
  let acks: [tag: number, multiple: boolean][];

  const open = async (): Promise<Channel> => {
    consumerConnection = await amqp.connect(url());
    const consumer = await consumerConnection.createChannel();
    await consumer.prefetch(50);
    const ack = consumer.ack.bind(consumer);
    consumer.ack = (message: Message, allUpTo?: boolean) => {
      acks.push([message.fields.deliveryTag, allUpTo === true]);
      ack(message, allUpTo);
    };
    return consumer;
  };
  /** A reader that reads `count` messages and stops; no reconnect, so a dropped connection stays dropped. */
  const readAll = async (count: number): Promise<{ reader: MqReader; got: SourceMessage[] }> => {
    const reader = new MqReader('OrderQueue', open, { queue, prefetch: 50, select: { limit: count }, reconnect: RetrySchedule.fromSettings({ strategy: 'fixed', delay: '10ms', maxAttempts: 1 }) }, await open());
    const got: SourceMessage[] = [];
    for await (const m of reader.messages(AbortSignal.timeout(20_000))) got.push(m);
    return { reader, got };
  };
  /** What the broker holds once the consumer's connection is gone (unacked messages requeued), by key in queue order. */
  const leftAfterDrop = async (): Promise<string[]> => {
    await consumerConnection.close().catch(() => undefined);
    const out: string[] = [];
    for (let m = await channel.get(queue, { noAck: true }); m; m = await channel.get(queue, { noAck: true })) out.push(String(m.properties.messageId));
    return out;
  };

  beforeEach(async () => {
    queue = `ft-drain-speed-acks-${randomUUID()}`;
    acks = [];
    admin = await amqp.connect(url());
    channel = await admin.createConfirmChannel();
    await channel.assertQueue(queue, { durable: true });
    for (let n = 0; n < 30; n++) channel.sendToQueue(queue, Buffer.from(JSON.stringify({ n })), { messageId: `k${n}`, persistent: true });
    await channel.waitForConfirms();
  });

  afterEach(async () => {
    await channel.deleteQueue(queue);
    await admin.close();
  });

  it('acks the commits of one batch with one ack up to the last of them; the uncommitted ones after it come back when the connection closes', async () => {
    const { reader, got } = await readAll(30);
    assert.deepEqual(got.map((m) => m.key), keys(0, 30));
    // The connection runner commits a batch's messages together, in read order.
    assert.deepEqual(await Promise.all(got.slice(0, 12).map((m) => reader.commit(m))), Array(12).fill(undefined));
    assert.deepEqual(await Promise.all(got.slice(12, 20).map((m) => reader.commit(m))), Array(8).fill(undefined));
    assert.deepEqual(acks, [[12, true], [20, true]]);
    assert.deepEqual(await leftAfterDrop(), keys(20, 30));
  });

  it('acks one by one once a message is held unacked below the commits (a dead letter passed over): the held one comes back, the committed ones do not', async () => {
    const { reader, got } = await readAll(30);
    await Promise.all(got.slice(0, 5).map((m) => reader.commit(m)));
    await reader.release(got[5]!);
    await Promise.all(got.slice(6, 10).map((m) => reader.commit(m)));
    assert.deepEqual(acks, [[5, true], [7, false], [8, false], [9, false], [10, false]]);
    assert.deepEqual(await leftAfterDrop(), ['k5', ...keys(10, 30)]);
  });
});
