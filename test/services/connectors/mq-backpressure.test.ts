// The mq publisher against the real RabbitMQ: it waits for 'drain' when amqplib's write buffer is full (#398), and never leaves a confirm pending on a closed channel (#191, #419).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { MqPublisher } from '../../../executor/connectors/mq-publisher';

const url = () => process.env.FLOWTRACER_TEST_AMQP_URL ?? '';
const signal = () => AbortSignal.timeout(15_000);

type Step = 'full' | 'room' | 'drain';

/** A real confirm channel whose publishes and 'drain' events are written down in order. */
async function recordedChannel(connection: ChannelModel, steps: Step[]): Promise<ConfirmChannel> {
  const channel = await connection.createConfirmChannel();
  channel.on('drain', () => steps.push('drain'));
  const publish = channel.publish.bind(channel);
  channel.publish = (...args: Parameters<ConfirmChannel['publish']>) => {
    const room = publish(...args);
    steps.push(room ? 'room' : 'full');
    return room;
  };
  return channel;
}

describe('mq publisher back-pressure and lost confirms', () => {
  let queue: string;
  let connection: ChannelModel;

  beforeEach(async () => {
    queue = `ft-bp-${randomUUID()}`;
    connection = await amqp.connect(url());
    await (await connection.createChannel()).assertQueue(queue, { durable: true });
  });

  afterEach(async () => {
    const channel = await connection.createChannel().catch(() => undefined);
    await channel?.deleteQueue(queue);
    await connection.close().catch(() => undefined);
  });

  it('waits for drain after publish returned false, and every message is confirmed', async () => {
    const steps: Step[] = [];
    const channel = await recordedChannel(connection, steps);
    const publisher = new MqPublisher('OrderQueue', () => recordedChannel(connection, steps), { exchange: '', routingKey: queue, confirmTimeoutMs: 15_000 }, channel);
    const count = 4000;
    const body = Buffer.alloc(1024, 'x');
    // All writes at once, as a connection with a wide in-flight window does: amqplib's buffer fills up.
    const deliveries = await Promise.all(Array.from({ length: count }, (_, i) => publisher.write({ key: `k${i}`, value: body, headers: {} }, signal())));
    assert.equal(deliveries.length, count);
    const publishes = steps.filter((s) => s !== 'drain').length;
    const full = steps.filter((s) => s === 'full').length;
    assert.equal(publishes, count, 'one publish per message: no retries');
    assert.ok(full >= 1, 'publish returned false at least once');
    // After a full buffer the next publish comes only after amqplib said 'drain'.
    steps.forEach((step, i) => {
      if (step !== 'full') return;
      const rest = steps.slice(i + 1);
      const nextPublish = rest.findIndex((s) => s !== 'drain');
      if (nextPublish < 0) return; // the last publish
      assert.ok(rest.slice(0, nextPublish).includes('drain'), `publish #${steps.slice(0, i + 1).filter((s) => s !== 'drain').length + 1} went out after a full buffer without waiting for drain`);
    });
    await publisher.close();
    const check = await connection.createChannel();
    assert.equal((await check.checkQueue(queue)).messageCount, count);
    await check.close();
    console.log(`      ${count} publishes, ${full} returned false, each followed by a wait for drain`);
  });

  it('fails a pending confirm when the broker closes the channel, then publishes on a new channel', async () => {
    const exchange = `ft-bp-${randomUUID()}`;
    const publisher = new MqPublisher('Events', () => connection.createConfirmChannel(), { exchange, routingKey: 'r', confirmTimeoutMs: 15_000 }, await connection.createConfirmChannel());
    // The exchange does not exist yet: RabbitMQ closes the channel (404) and never confirms.
    await assert.rejects(publisher.write({ key: 'k1', value: Buffer.from('1'), headers: {} }, signal()), (error: Error & { errorClass?: string }) => {
      assert.equal(error.errorClass, 'connection');
      assert.match(error.message, /^component Events: (the broker did not confirm the message|the channel (failed|closed) before the broker confirmed) \(.*(channel closed|NOT_FOUND)/);
      return true;
    });
    const setup = await connection.createChannel();
    await setup.assertExchange(exchange, 'direct', { autoDelete: true });
    await setup.bindQueue(queue, exchange, 'r');
    const delivery = await publisher.write({ key: 'k2', value: Buffer.from('2'), headers: {} }, signal());
    assert.equal(delivery.position, `${exchange}/r#2`);
    const got = await setup.get(queue, { noAck: true });
    assert.equal(got && got.properties.messageId, 'k2');
    await publisher.close();
    await setup.deleteExchange(exchange);
    await setup.close();
  });

  it('fails a publish whose confirm never comes, after confirmTimeoutMs, as a timeout', async () => {
    const channel = await connection.createConfirmChannel();
    // amqplib never calling the confirm callback (#191, #419): the broker's acks are dropped before amqplib sees them.
    channel.removeAllListeners('ack');
    const publisher = new MqPublisher('OrderQueue', () => connection.createConfirmChannel(), { exchange: '', routingKey: queue, confirmTimeoutMs: 300 }, channel);
    await assert.rejects(publisher.write({ key: 'k1', value: Buffer.from('1'), headers: {} }, signal()), (error: Error & { errorClass?: string }) => {
      assert.equal(error.errorClass, 'timeout');
      assert.equal(error.message, 'component OrderQueue: no publisher confirm within 300 ms');
      return true;
    });
    await publisher.close();
  });

  it('times each unconfirmed publish out on its own deadline, the later ones still waiting when the first fails, and an abort ends only the wait', async () => {
    const channel = await connection.createConfirmChannel();
    channel.removeAllListeners('ack');
    const publisher = new MqPublisher('OrderQueue', () => connection.createConfirmChannel(), { exchange: '', routingKey: queue, confirmTimeoutMs: 400 }, channel);
    const settled: string[] = [];
    const watch = (name: string, write: Promise<unknown>): Promise<void> => write.then(() => void settled.push(`${name} confirmed`), (error: Error) => void settled.push(`${name}: ${error.message}`));
    const first = watch('first', publisher.write({ key: 'k1', value: Buffer.from('1'), headers: {} }, signal()));
    await new Promise((resolve) => setTimeout(resolve, 250));
    const stop = new AbortController();
    const second = watch('second', publisher.write({ key: 'k2', value: Buffer.from('2'), headers: {} }, signal()));
    const third = watch('third', publisher.write({ key: 'k3', value: Buffer.from('3'), headers: {} }, AbortSignal.any([signal(), stop.signal])));
    await first;
    assert.deepEqual(settled, ['first: component OrderQueue: no publisher confirm within 400 ms'], 'the later publishes are not failed with the first');
    stop.abort();
    await third;
    assert.equal(settled[1], 'third: component OrderQueue: aborted');
    await second;
    assert.deepEqual(settled.slice(2), ['second: component OrderQueue: no publisher confirm within 400 ms']);
    // All three reached RabbitMQ: a timeout or an abort gives up the wait, never takes a publish back.
    await publisher.close();
    const check = await connection.createChannel();
    assert.equal((await check.checkQueue(queue)).messageCount, 3);
  });
});
