// The publisher's own frames on a real amqplib channel and the real RabbitMQ: taken, confirmed, and every message arrives with its body, headers, id and persistence; a publish with no queue comes back (mandatory).
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import amqp, { type ChannelModel, type Message } from 'amqplib';
import { publishPersistent, writesFramesOn } from '../../../executor/connectors/amqp-publish-frames';

const url = () => process.env.FLOWTRACER_TEST_AMQP_URL ?? '';

describe('amqp publish frames (RabbitMQ)', () => {
  let model: ChannelModel;
  let queue: string;

  beforeEach(async () => {
    model = await amqp.connect(url());
    queue = `ft-frames-${randomUUID()}`;
    await (await model.createChannel()).assertQueue(queue, { durable: true });
  });

  afterEach(async () => {
    await (await model.createChannel()).deleteQueue(queue).catch(() => undefined);
    await model.close().catch(() => undefined);
  });

  it('publishes through its own frames on a real channel; each message is confirmed and arrives whole, with its headers, id and persistence', async () => {
    const channel = await model.createConfirmChannel();
    assert.equal(writesFramesOn(channel), true, "this amqplib's channel has the internals the frames are written through");
    const sent = [0, 1, 1024, 3000, 100_000].map((size, i) => ({ content: randomBytes(size), headers: { traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`, 'clé-ü': '日本 😀', n: String(i) }, messageId: i === 2 ? undefined : `key-${i}-é` }));
    const confirms = sent.map(({ content, headers, messageId }) => new Promise<void>((resolve, reject) => publishPersistent(channel, { exchange: '', routingKey: queue, headers, messageId, content }, (error) => (error ? reject(error as Error) : resolve()))));
    await Promise.all(confirms);
    const reader = await model.createChannel();
    const seen: Message[] = [];
    for (let m = await reader.get(queue, { noAck: true }); m; m = await reader.get(queue, { noAck: true })) seen.push(m);
    assert.equal(seen.length, sent.length);
    seen.forEach((m, i) => {
      assert.deepEqual(m.content, sent[i]!.content);
      assert.deepEqual(m.properties.headers, sent[i]!.headers);
      assert.equal(m.properties.messageId, sent[i]!.messageId);
      assert.equal(m.properties.deliveryMode, 2);
    });
  });

  it('publishes mandatory: a message no queue takes comes back as a return, and is still confirmed', async () => {
    const channel = await model.createConfirmChannel();
    const returned = new Promise<Message>((resolve) => channel.once('return', resolve));
    await new Promise<void>((resolve, reject) => publishPersistent(channel, { exchange: '', routingKey: `ft-nowhere-${randomUUID()}`, headers: {}, messageId: 'lost', content: Buffer.from('x') }, (error) => (error ? reject(error as Error) : resolve())));
    assert.equal((await returned).properties.messageId, 'lost');
  });

  it("says when amqplib's write buffer is full, and the channel's 'drain' follows", async () => {
    const channel = await model.createConfirmChannel();
    const drained = new Promise<void>((resolve) => channel.once('drain', resolve));
    const content = Buffer.alloc(1024, 'x');
    const confirms: Promise<void>[] = [];
    let full = 0;
    for (let i = 0; i < 4000; i++) {
      const confirmed = new Promise<void>((resolve, reject) => {
        if (!publishPersistent(channel, { exchange: '', routingKey: queue, headers: {}, messageId: `k${i}`, content }, (error) => (error ? reject(error as Error) : resolve()))) full++;
      });
      confirms.push(confirmed);
    }
    assert.ok(full > 0, 'a turn of 4,000 publishes fills the write buffer');
    await drained;
    await Promise.all(confirms);
    assert.equal((await (await model.createChannel()).checkQueue(queue)).messageCount, 4000);
  });

  it('on a closed channel, throws as amqplib does', async () => {
    const channel = await model.createConfirmChannel();
    await channel.close();
    assert.equal(writesFramesOn(channel), false);
    assert.throws(() => publishPersistent(channel, { exchange: '', routingKey: queue, headers: {}, messageId: undefined, content: Buffer.from('x') }, () => undefined), /Channel closed/);
  });
});
