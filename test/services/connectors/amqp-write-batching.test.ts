// amqplib's frames leave in few socket writes once batchSocketWrites corks its Mux loop, against the real RabbitMQ: every message arrives, whole and in order.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import amqp, { type ChannelModel } from 'amqplib';
import { batchSocketWrites } from '../../../executor/connectors/amqp-write-batching';

const url = () => process.env.FLOWTRACER_TEST_AMQP_URL ?? '';
const COUNT = 300;

/** Counts the writes that reach the connection's socket (Node calls `_write` for one buffer, `_writev` for a corked batch). */
function countSocketWrites(model: ChannelModel): { readonly writes: () => number } {
  const stream = (model.connection as unknown as { stream: Duplex & { _writev?: Duplex['_writev'] } }).stream;
  let writes = 0;
  const write = stream._write.bind(stream);
  stream._write = (chunk, encoding, callback) => {
    writes++;
    write(chunk, encoding, callback);
  };
  const writev = stream._writev?.bind(stream);
  if (writev) {
    stream._writev = (chunks, callback) => {
      writes++;
      writev(chunks, callback);
    };
  }
  return { writes: () => writes };
}

/** Publishes COUNT numbered 1 KB messages in one turn on a confirm channel, waits for every confirm; returns the socket writes it took. */
async function publishAll(model: ChannelModel, queue: string): Promise<number> {
  const channel = await model.createConfirmChannel();
  const counter = countSocketWrites(model);
  for (let i = 0; i < COUNT; i++) channel.publish('', queue, Buffer.from(`${i}:`.padEnd(1024, 'x')), { persistent: true, messageId: String(i) });
  await channel.waitForConfirms();
  const writes = counter.writes();
  await channel.close();
  return writes;
}

describe('amqp write batching', () => {
  let queue: string;
  const models: ChannelModel[] = [];

  beforeEach(() => {
    queue = `ft-batch-${randomUUID()}`;
  });

  afterEach(async () => {
    const model = models[0];
    if (model) await (await model.createChannel()).deleteQueue(queue).catch(() => undefined);
    for (const m of models.splice(0)) await m.close().catch(() => undefined);
  });

  async function connect(): Promise<ChannelModel> {
    const model = await amqp.connect(url());
    models.push(model);
    return model;
  }

  it('sends a turn of publishes in a few writes where amqplib alone takes one a frame, and every message arrives whole and in order', async () => {
    const plain = await connect();
    await (await plain.createChannel()).assertQueue(queue, { durable: true });
    const unbatched = await publishAll(plain, queue);

    const batched = await connect();
    assert.equal(batchSocketWrites(batched), true, 'this amqplib has the Mux loop to batch');
    const writes = await publishAll(batched, queue);

    // amqplib alone: one write per publish (method, header and body frames are one buffer), and then some.
    assert.ok(unbatched >= COUNT, `amqplib alone took ${unbatched} writes for ${COUNT} publishes`);
    // Corked, a pass of the Mux sends what its channels queued up to the socket's 16 KiB buffer: ~14 of these.
    assert.ok(writes <= COUNT / 5, `batched, ${COUNT} publishes took ${writes} socket writes`);

    const reader = await batched.createChannel();
    const seen: string[] = [];
    for (;;) {
      const message = await reader.get(queue, { noAck: true });
      if (!message) break;
      seen.push(message.content.toString());
    }
    const expected = [...Array.from({ length: COUNT }, (_, i) => `${i}:`.padEnd(1024, 'x')), ...Array.from({ length: COUNT }, (_, i) => `${i}:`.padEnd(1024, 'x'))];
    assert.deepEqual(seen, expected);
  });

  it('leaves a connection whose amqplib has no such loop as it is', () => {
    const model = { connection: {} } as unknown as ChannelModel;
    assert.equal(batchSocketWrites(model), false);
  });
});
