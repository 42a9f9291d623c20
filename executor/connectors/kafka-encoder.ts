// kafkajs's protocol Encoder with its hot paths made cheaper: the same bytes for every call.
// kafkajs's package ships no types for its sources.
const KafkajsEncoder = require('kafkajs/src/protocol/encoder') as KafkajsEncoderClass;

interface KafkajsEncoder {
  buf: Buffer;
  offset: number;
  ensureAvailable(length: number): void;
  writeVarInt(value: number): this;
  writeUVarInt(value: number): this;
  writeVarLong(value: unknown): this;
}

interface KafkajsEncoderClass {
  new (initialSize?: number): KafkajsEncoder;
  sizeOfVarInt(value: number): number;
  sizeOfVarLong(value: unknown): number;
  nextPowerOfTwo(value: number): number;
}

/** A zigzag varint of a number in [-2^30, 2^30) is the same bytes as its zigzag varlong (a record's timestamp delta). */
const SMALL = 0x40000000;
const isSmall = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= -SMALL && value < SMALL;

/**
 * esbuild.mjs puts this in place of kafkajs's `protocol/encoder.js` in the executor bundle. kafkajs
 * encodes every record into an Encoder of its own, copied into the batch's, and that into the
 * request's; its Encoder zero-fills each buffer it allocates and grows, and makes a Buffer of an
 * array for every varint (seven a record). Here buffers come uninitialized from Node's pool (only
 * `buffer`, the bytes written, is ever read), varints are written in place, and a small varlong
 * skips kafkajs's BigInt-backed Long. Everything else is kafkajs's own.
 */
class Encoder extends KafkajsEncoder {
  constructor(initialSize = 511) {
    // kafkajs's constructor allocates its (zeroed) buffer: the smallest one, replaced at once.
    super(0);
    this.buf = Buffer.allocUnsafe(KafkajsEncoder.nextPowerOfTwo(initialSize));
  }

  static override sizeOfVarLong(value: unknown): number {
    return isSmall(value) ? KafkajsEncoder.sizeOfVarInt(value) : KafkajsEncoder.sizeOfVarLong(value);
  }

  override ensureAvailable(length: number): void {
    if (this.offset + length <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(KafkajsEncoder.nextPowerOfTwo(this.offset + length));
    this.buf.copy(grown, 0, 0, this.offset);
    this.buf = grown;
  }

  override writeUVarInt(value: number): this {
    // As kafkajs's: seven bits a byte, lowest first, while bits above the seventh are set (as an int32). At most five bytes.
    this.ensureAvailable(5);
    const buf = this.buf;
    let offset = this.offset;
    while ((value & 0xffffff80) !== 0) {
      buf[offset++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    buf[offset++] = value & 0x7f;
    this.offset = offset;
    return this;
  }

  override writeVarLong(value: unknown): this {
    return isSmall(value) ? this.writeVarInt(value) : super.writeVarLong(value);
  }
}

export = Encoder;
