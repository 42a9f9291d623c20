// The protocol Encoder the executor bundle gives kafkajs: kafkajs's own bytes for every call, and really the one in the bundle.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Encoder from '../../../executor/connectors/kafka-encoder';

type Encoding = { readonly buffer: Buffer; readonly buf: Buffer; readonly offset: number } & Record<string, (...args: unknown[]) => Encoding>;
type EncoderClass = { new (initialSize?: number): Encoding; sizeOfVarLong(value: unknown): number; sizeOfVarInt(value: number): number; sizeOfVarIntBytes(value: unknown): number };

// kafkajs's own (its package ships no types for its sources).
const KafkajsEncoder = require('kafkajs/src/protocol/encoder.js') as EncoderClass;
const Ours = Encoder as unknown as EncoderClass;

const repo = join(__dirname, '..', '..', '..');

/** The numbers a varint or varlong meets: both signs, each byte-count boundary, int32 overflow, the fast path's edges. */
const INTS = [0, 1, -1, 63, -64, 64, -65, 127, 128, -128, 8191, 8192, -8193, 2 ** 20, -(2 ** 20), 2 ** 30 - 1, -(2 ** 30), 2 ** 30, -(2 ** 30) - 1, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 32 + 5, -(2 ** 40), Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];

/** Both encoders given the same calls, from the same initial size: the same bytes. */
function same(calls: (encoder: Encoding) => void, initialSize?: number): Buffer {
  const theirs = new KafkajsEncoder(initialSize);
  const ours = new Ours(initialSize);
  calls(theirs);
  calls(ours);
  assert.deepEqual(ours.buffer, theirs.buffer);
  assert.equal(ours.offset, theirs.offset);
  return ours.buffer;
}

describe('kafka protocol encoder', () => {
  it("writes kafkajs's varints, unsigned varints and varlongs for every boundary", () => {
    for (const value of INTS) {
      if (Number.isSafeInteger(value) && Math.abs(value) < 2 ** 31) {
        same((e) => e.writeVarInt!(value));
        same((e) => e.writeUVarInt!(value));
      }
      same((e) => e.writeVarLong!(value));
      assert.equal(Ours.sizeOfVarLong(value), KafkajsEncoder.sizeOfVarLong(value), `sizeOfVarLong(${value})`);
    }
    // Texts and bigints take kafkajs's own path.
    same((e) => e.writeVarLong!('12345678901234'));
    same((e) => e.writeVarLong!(-(2n ** 62n)));
    assert.equal(Ours.sizeOfVarLong('300'), KafkajsEncoder.sizeOfVarLong('300'));
  });

  it('fails as kafkajs does on a varlong that is not an integer', () => {
    assert.throws(() => new KafkajsEncoder().writeVarLong!(1.5));
    assert.throws(() => new Ours().writeVarLong!(1.5));
  });

  it('grows from any initial size to the same bytes, a record and its headers as kafkajs encodes them', () => {
    for (const initialSize of [undefined, 0, 1, 4, 511, 513]) {
      for (const size of [0, 1, 100, 511, 512, 1024, 4095, 4097, 70_000]) {
        const value = randomBytes(size);
        same((e) => {
          e.writeVarInt!(size + 20).writeInt8!(0).writeVarLong!(17).writeVarInt!(3).writeVarIntBytes!('key-1').writeVarIntBytes!(value);
          e.writeVarIntArray!([new KafkajsEncoder().writeVarIntString!('traceparent').writeVarIntBytes!('00-abc-def-01')], 'object');
          e.writeInt16!(-1).writeInt32!(size).writeUInt32!(0xfedcba98).writeInt64!(2 ** 40).writeString!('topic-é').writeBytes!(value).writeBytes!(null).writeVarIntBytes!(null).writeVarIntString!(null);
          e.writeUVarIntString!('compact').writeUVarIntBytes!(value).writeBoolean!(true).writeDouble!(0.5).writeArray!([1, 2, 3], 'int32').writeArray!(['a', 'b']);
        }, initialSize);
      }
    }
  });

  it('nests encoders as kafkajs does (a batch of records, in a request)', () => {
    const records = (E: EncoderClass) => Array.from({ length: 300 }, (_, i) => new E().writeVarInt!(i).writeVarIntBytes!(Buffer.alloc(1000, i)));
    const theirs = new KafkajsEncoder().writeInt32!(7).writeArray!(records(KafkajsEncoder), 'object');
    const ours = new Ours().writeInt32!(7).writeArray!(records(Ours), 'object');
    assert.deepEqual(ours.buffer, theirs.buffer);
    assert.deepEqual(new Ours().writeEncoder!(ours).buffer, new KafkajsEncoder().writeEncoder!(theirs).buffer);
  });

  it('nests large pieces as a produce request does (held, not copied) and reads the same bytes, before and after more writes', () => {
    for (const size of [4095, 4096, 10_000, 300_000]) {
      const build = (E: EncoderClass) => {
        const body = new E().writeInt16!(0).writeInt32!(7);
        body.writeArray!([new E().writeVarInt!(size).writeVarIntBytes!(Buffer.alloc(size, 3)), new E().writeVarInt!(1).writeVarIntBytes!(Buffer.alloc(size, 4))], 'object');
        const crcOf = body.buffer.length;
        const batch = new E().writeInt32!(0).writeInt8!(2).writeUInt32!(crcOf).writeEncoder!(body);
        const recordBatch = new E().writeInt64!(0).writeBytes!(batch.buffer);
        const partition = new E().writeInt32!(3).writeInt32!(recordBatch.size!() as unknown as number).writeEncoder!(recordBatch);
        const topic = new E().writeString!('orders').writeArray!([partition]);
        const request = new E().writeInt16!(0).writeInt16!(3).writeEncoder!(topic);
        return { request, topic, body };
      };
      const ours = build(Ours);
      const theirs = build(KafkajsEncoder);
      assert.equal(ours.request.size!(), theirs.request.size!(), `size of ${size}`);
      assert.deepEqual(ours.request.buffer, theirs.request.buffer, `request of ${size}`);
      assert.deepEqual(ours.request.buffer, theirs.request.buffer, 'read twice');
      ours.topic.writeInt32!(9);
      theirs.topic.writeInt32!(9);
      assert.deepEqual(ours.topic.buffer, theirs.topic.buffer, 'written after being read');
      assert.deepEqual(ours.request.buffer, theirs.request.buffer, 'the request unchanged by a later write to an encoder inside it');
    }
  });

  it("never hands out bytes it did not write (the pool's other contents)", () => {
    const encoder = new Ours(64);
    encoder.writeInt8!(1).writeVarInt!(300);
    assert.equal(encoder.buffer.length, 3);
    assert.deepEqual([...encoder.buffer], [1, 0xd8, 0x04]);
  });

  it("replaces kafkajs's encoder in the executor bundle (esbuild.mjs), which still holds kafkajs's as its base", () => {
    const { sources } = JSON.parse(readFileSync(join(repo, 'dist', 'executor', 'cli.js.map'), 'utf8')) as { sources: string[] };
    assert.ok(sources.some((s) => s.endsWith('executor/connectors/kafka-encoder.ts')), 'kafka-encoder.ts is in the bundle');
    assert.ok(sources.some((s) => s.endsWith('kafkajs/src/protocol/encoder.js')), "kafkajs's encoder is in the bundle");
    // Every kafkajs module that requires the encoder gets ours: the bundle's only `require_encoder()` callers are kafka-encoder.ts and esbuild's.
    const bundle = readFileSync(join(repo, 'dist', 'executor', 'cli.js'), 'utf8');
    const kafkajsEncoderModule = /var require_encoder = __commonJS\(\{\n\s+"node_modules\/kafkajs\/src\/protocol\/encoder\.js"/.exec(bundle);
    assert.ok(kafkajsEncoderModule, "kafkajs's encoder module is in the bundle");
    const callers = bundle.split('require_encoder()').length - 1;
    assert.equal(callers, 1, 'only kafka-encoder.ts requires kafkajs\'s encoder');
  });
});
