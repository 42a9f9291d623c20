// The protocol Decoder the executor bundle gives kafkajs: kafkajs's own values for every varlong, and really the one in the bundle.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Decoder from '../../../executor/connectors/kafka-decoder';
import KafkaEncoder from '../../../executor/connectors/kafka-encoder';

type Decoding = { offset: number; readVarLong(): { value: bigint; toString(): string }; readInt8(): number; slice(size: number): Decoding; readVarIntBytes(): Buffer };
type DecoderClass = new (buffer: Buffer) => Decoding;
// kafkajs's own (its package ships no types for its sources).
const KafkajsDecoder = require('kafkajs/src/protocol/decoder.js') as DecoderClass;
const Ours = Decoder as unknown as DecoderClass;
type Encoding = { writeVarLong(value: unknown): Encoding; readonly buffer: Buffer };
const Encoder = KafkaEncoder as unknown as new () => Encoding;

const repo = join(__dirname, '..', '..', '..');

/** Values on both sides of every byte count a varlong takes, both signs, and 64-bit ones. */
const VALUES: (number | bigint)[] = [0, 1, -1, 63, -64, 64, -65, 8191, -8192, 8192, 2 ** 20, -(2 ** 20), 2 ** 27 - 1, -(2 ** 27), 2 ** 27, -(2 ** 27) - 1, 2 ** 31, -(2 ** 31), 2 ** 40, -(2 ** 40), Number.MAX_SAFE_INTEGER, 2n ** 62n, -(2n ** 63n), 2n ** 63n - 1n];

describe('kafka protocol decoder', () => {
  it("reads kafkajs's Long for every varlong, and stops where kafkajs stops", () => {
    for (const value of VALUES) {
      const bytes = Buffer.concat([new Encoder().writeVarLong(value).buffer, Buffer.from([0x2a])]);
      const theirs = new KafkajsDecoder(bytes);
      const ours = new Ours(bytes);
      const read = ours.readVarLong();
      assert.equal(read.value, theirs.readVarLong().value, `varlong ${value}`);
      assert.equal(read.toString(), String(value));
      assert.equal(ours.offset, theirs.offset, `offset after ${value}`);
      assert.equal(ours.readInt8(), 0x2a);
    }
  });

  it('fails as kafkajs does on a varlong of more than ten bytes', () => {
    const bytes = Buffer.alloc(12, 0xff);
    assert.throws(() => new KafkajsDecoder(bytes).readVarLong(), /Invalid Long/);
    assert.throws(() => new Ours(bytes).readVarLong(), /Invalid Long/);
  });

  it('slices into decoders of its own class', () => {
    const bytes = Buffer.concat([Buffer.from([9]), new Encoder().writeVarLong(-300).buffer]);
    const decoder = new Ours(bytes);
    decoder.readInt8();
    const slice = decoder.slice(bytes.length - 1);
    assert.ok(slice instanceof Decoder);
    assert.equal(slice.readVarLong().toString(), '-300');
  });

  it("replaces kafkajs's decoder in the executor bundle (esbuild.mjs), which still holds kafkajs's as its base", () => {
    const { sources } = JSON.parse(readFileSync(join(repo, 'dist', 'executor', 'cli.js.map'), 'utf8')) as { sources: string[] };
    assert.ok(sources.some((s) => s.endsWith('executor/connectors/kafka-decoder.ts')), 'kafka-decoder.ts is in the bundle');
    const bundle = readFileSync(join(repo, 'dist', 'executor', 'cli.js'), 'utf8');
    assert.equal(bundle.split('require_decoder()').length - 1, 1, "only kafka-decoder.ts requires kafkajs's decoder");
  });
});
