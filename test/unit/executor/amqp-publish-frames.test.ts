// The publisher's frames are amqplib's own, byte for byte, and what amqplib would refuse or split still goes through amqplib.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { ConfirmChannel } from 'amqplib';
import { encodeFrames, publishPersistent, writesFramesOn, type PersistentPublish } from '../../../executor/connectors/amqp-publish-frames';

// amqplib's own encoders (its package exports neither them nor their types).
const amqplibModule = (name: string): unknown => require(join(dirname(require.resolve('amqplib')), 'lib', name));
interface Defs {
  readonly BasicPublish: number;
  readonly BasicProperties: number;
  encodeMethod(method: number, channel: number, fields: object): Buffer;
  encodeProperties(id: number, channel: number, size: number, fields: object): Buffer;
}
const defs = amqplibModule('defs') as Defs;
const args = amqplibModule('api_args') as { publish(exchange: string, routingKey: string, options: object): object };
const frame = amqplibModule('frame') as { makeBodyFrame(channel: number, content: Buffer): Buffer };

const FRAME_MAX = 131_072;

/** What amqplib sends for `channel.publish(…, { persistent: true, mandatory: true, headers, messageId })`: its three frames (no body frame for an empty body). */
function amqplibFrames(channel: number, p: PersistentPublish): Buffer {
  const fields = args.publish(p.exchange, p.routingKey, { persistent: true, mandatory: true, headers: p.headers, messageId: p.messageId });
  const parts = [defs.encodeMethod(defs.BasicPublish, channel, fields), defs.encodeProperties(defs.BasicProperties, channel, p.content.length, fields)];
  if (p.content.length > 0) parts.push(frame.makeBodyFrame(channel, p.content));
  return Buffer.concat(parts);
}

const TEXTS = ['', 'a', 'orders', 'clé-ü-日本', '😀 emoji', 'x'.repeat(255), 'é'.repeat(127)];

function randomText(): string {
  return TEXTS[Math.floor(Math.random() * TEXTS.length)]!;
}

function randomHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const count = Math.floor(Math.random() * 5);
  for (let i = 0; i < count; i++) headers[`${randomText().slice(0, 200)}${i}`] = Math.random() < 0.2 ? 'v'.repeat(5000) : randomText();
  return headers;
}

/** A stand-in with the amqplib internals the publisher writes through, recording what it is given. */
function recordingChannel(ch: number, own: { channel?: object; connection?: object } = {}): { channel: ConfirmChannel; written: Buffer[]; callbacks: unknown[]; published: unknown[][]; connection: { sentSinceLastCheck: boolean } } {
  const written: Buffer[] = [];
  const callbacks: unknown[] = [];
  const published: unknown[][] = [];
  const channels: unknown[] = [];
  channels[ch] = { buffer: { write: (b: Buffer) => (written.push(b), written.length < 3) } };
  const connection = Object.assign({ channels, frameMax: FRAME_MAX, sentSinceLastCheck: false }, own.connection);
  const prototype = { pushConfirmCallback: (cb: unknown) => callbacks.push(cb), publish: (...a: unknown[]) => (published.push(a), true), sendMessage: () => true };
  const channel = Object.assign(Object.create(prototype) as object, { ch, connection }, own.channel) as unknown as ConfirmChannel;
  return { channel, written, callbacks, published, connection };
}

describe('amqp publish frames', () => {
  it("writes amqplib's frames for every size, channel, key and set of headers", () => {
    for (const size of [0, 1, 100, 1024, 2030, 2048, 5000, 65_536, FRAME_MAX - 8]) {
      for (let i = 0; i < 25; i++) {
        const channel = 1 + Math.floor(Math.random() * 2047);
        const publish: PersistentPublish = { exchange: randomText(), routingKey: randomText(), headers: randomHeaders(), messageId: Math.random() < 0.3 ? undefined : randomText(), content: randomBytes(size) };
        assert.deepEqual(encodeFrames(channel, FRAME_MAX, publish), amqplibFrames(channel, publish), `size ${size}, ${JSON.stringify({ ...publish, content: undefined })}`);
      }
    }
  });

  it('writes every byte it hands out (the buffer is not zero-filled)', () => {
    // Pool buffers dirtied first: a byte left unwritten would differ from amqplib's zero-filled ones.
    Buffer.allocUnsafe(4000).fill(0xaa);
    const publish: PersistentPublish = { exchange: '', routingKey: 'q', headers: {}, messageId: undefined, content: Buffer.alloc(10) };
    for (let i = 0; i < 200; i++) assert.deepEqual(encodeFrames(7, FRAME_MAX, publish), amqplibFrames(7, publish));
  });

  it('leaves to amqplib what it would refuse or send as several frames', () => {
    const base: PersistentPublish = { exchange: 'e', routingKey: 'k', headers: { traceparent: 't' }, messageId: 'm', content: Buffer.alloc(10) };
    const odds: Partial<PersistentPublish>[] = [
      { exchange: 'x'.repeat(256) },
      { routingKey: 'é'.repeat(128) },
      { messageId: 'm'.repeat(256) },
      { headers: { ['h'.repeat(256)]: 'v' } },
      { headers: { big: 'v'.repeat(70_000) } },
      { headers: { n: 42 as unknown as string } },
      { content: Buffer.alloc(FRAME_MAX - 7) },
    ];
    for (const odd of odds) assert.equal(encodeFrames(1, FRAME_MAX, { ...base, ...odd }), undefined, JSON.stringify(Object.keys(odd)));
  });

  it('publishes on the channel as amqplib does: frames written, heartbeat told, confirm callback queued after, room passed on', () => {
    const { channel, written, callbacks, published, connection } = recordingChannel(3);
    assert.equal(writesFramesOn(channel), true);
    const confirmed = (): void => undefined;
    const publish: PersistentPublish = { exchange: '', routingKey: 'orders', headers: { traceparent: '00-1-2-01' }, messageId: 'k1', content: Buffer.from('hello') };
    assert.equal(publishPersistent(channel, publish, confirmed), true);
    assert.equal(publishPersistent(channel, publish, confirmed), true);
    assert.equal(publishPersistent(channel, publish, confirmed), false, "a full write buffer's answer is passed on");
    assert.deepEqual(written, [amqplibFrames(3, publish), amqplibFrames(3, publish), amqplibFrames(3, publish)]);
    assert.deepEqual(callbacks, [confirmed, confirmed, confirmed]);
    assert.equal(connection.sentSinceLastCheck, true);
    assert.deepEqual(published, []);
  });

  it('goes through amqplib on a closing channel or connection (whose sends throw), on another amqplib, through a publish wrapped on the channel, and for what it leaves to amqplib', () => {
    const publish: PersistentPublish = { exchange: 'e', routingKey: 'k', headers: { a: 'b' }, messageId: undefined, content: Buffer.from('x') };
    const cases = [
      recordingChannel(1, { channel: { sendMessage: () => true } }),
      recordingChannel(1, { connection: { sendMessage: () => true } }),
      recordingChannel(1, { channel: { ch: undefined } }),
      recordingChannel(1, { connection: { channels: undefined } }),
    ];
    const wrapped = recordingChannel(1);
    const publishOf = wrapped.channel.publish.bind(wrapped.channel);
    Object.assign(wrapped.channel, { publish: (...a: Parameters<ConfirmChannel['publish']>) => publishOf(...a) });
    cases.push(wrapped);
    for (const { channel, written, callbacks, published } of cases) {
      assert.equal(writesFramesOn(channel), false);
      const confirmed = (): void => undefined;
      publishPersistent(channel, publish, confirmed);
      assert.deepEqual(written, []);
      assert.deepEqual(callbacks, []);
      assert.deepEqual(published, [['e', 'k', publish.content, { persistent: true, mandatory: true, headers: { a: 'b' }, messageId: undefined }, confirmed]]);
    }
    const { channel, written, published } = recordingChannel(1);
    publishPersistent(channel, { ...publish, messageId: 'm'.repeat(300) }, () => undefined);
    assert.deepEqual(written, []);
    assert.equal(published.length, 1);
  });
});
