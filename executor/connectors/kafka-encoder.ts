// kafkajs's protocol Encoder with its hot paths made cheaper: the same bytes for every call.
// kafkajs's package ships no types for its sources.
const KafkajsEncoder = require('kafkajs/src/protocol/encoder') as KafkajsEncoderClass;

interface KafkajsEncoder {
  buf: Buffer;
  offset: number;
  readonly buffer: Buffer;
  size(): number;
  ensureAvailable(length: number): void;
  writeBufferInternal(buffer: Buffer): void;
  writeBytes(value: unknown): this;
  writeInt8(value: number): this;
  writeInt32(value: number): this;
  writeVarIntString(value: string | null): this;
  writeVarIntBytes(value: unknown): this;
  writeEncoder(value: KafkajsEncoder): this;
  writeEncoderArray(value: readonly KafkajsEncoder[]): this;
  writeVarInt(value: number): this;
  writeUVarInt(value: number): this;
  writeVarLong(value: unknown): this;
}

interface KafkajsEncoderClass {
  new (initialSize?: number): KafkajsEncoder;
  sizeOfVarInt(value: number): number;
  sizeOfVarIntBytes(value: unknown): number;
  sizeOfVarLong(value: unknown): number;
  nextPowerOfTwo(value: number): number;
}

/** A zigzag varint of a number in [-2^30, 2^30) is the same bytes as its zigzag varlong (a record's timestamp delta). */
const SMALL = 0x40000000;
const isSmall = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= -SMALL && value < SMALL;

/** Bytes from which a buffer or an encoder written into another is held by reference instead of copied. */
const HELD_FROM = 4096;

/**
 * esbuild.mjs puts this in place of kafkajs's `protocol/encoder.js` in the executor bundle. kafkajs
 * encodes every record into an Encoder of its own, copied into the batch's, and that into the
 * request's; its Encoder zero-fills each buffer it allocates and grows, and makes a Buffer of an
 * array for every varint (seven a record). Here buffers come uninitialized from Node's pool (only
 * `buffer`, the bytes written, is ever read), varints are written in place, and a small varlong
 * skips kafkajs's BigInt-backed Long. A produce request nests a batch's bytes in five encoders
 * (record batch, its bytes, partition, topic, request), each copying the one inside: here a piece
 * of 4 KB or more is held by reference, and joined once, when `buffer` is read (the batch's CRC,
 * the socket's write). Everything else is kafkajs's own.
 */
class Encoder extends KafkajsEncoder {
  /** What was written before `buf`'s bytes, in order, held by reference; undefined when nothing is. */
  private held: Buffer[] | undefined;
  private heldBytes = 0;

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

  /** The bytes written: joined into one buffer the first time they are read after a piece was held. */
  override get buffer(): Buffer {
    const held = this.held;
    if (!held) return this.buf.slice(0, this.offset);
    held.push(this.buf.subarray(0, this.offset));
    const whole = Buffer.concat(held, this.heldBytes + this.offset);
    this.held = undefined;
    this.heldBytes = 0;
    this.buf = whole;
    this.offset = whole.length;
    return whole;
  }

  override size(): number {
    return this.heldBytes + this.offset;
  }

  override writeBufferInternal(buffer: Buffer): void {
    if (buffer.length >= HELD_FROM) return this.hold(buffer);
    this.ensureAvailable(buffer.length);
    this.buf.set(buffer, this.offset);
    this.offset += buffer.length;
  }

  override writeBytes(value: unknown): this {
    // kafkajs's reserves room for the bytes before it copies them: none is needed for bytes held.
    if (!Buffer.isBuffer(value) || value.length < HELD_FROM) return super.writeBytes(value);
    this.writeInt32(value.length);
    this.hold(value);
    return this;
  }

  override writeEncoder(value: KafkajsEncoder): this {
    if (value == null || !Buffer.isBuffer(value.buf)) throw new Error('value should be an instance of Encoder');
    if (!(value instanceof Encoder) || !value.held) {
      this.writeBufferInternal(value.buffer);
      return this;
    }
    // Its held pieces are held here too, and its own bytes after them.
    for (const piece of value.held) this.hold(piece);
    this.writeBufferInternal(value.buf.subarray(0, value.offset));
    return this;
  }

  override writeEncoderArray(value: readonly KafkajsEncoder[]): this {
    if (!Array.isArray(value) || value.some((v) => v == null || !Buffer.isBuffer(v.buf))) throw new Error('all values should be an instance of Encoder[]');
    for (const v of value) this.writeEncoder(v);
    return this;
  }

  /** Appends `piece` by reference: the bytes written so far become a held piece, and the rest of `buf` takes the next ones. */
  private hold(piece: Buffer): void {
    const held = (this.held ??= []);
    if (this.offset > 0) {
      held.push(this.buf.subarray(0, this.offset));
      this.heldBytes += this.offset;
      this.buf = this.buf.subarray(this.offset);
      this.offset = 0;
    }
    held.push(piece);
    this.heldBytes += piece.length;
  }
}

export = Encoder;
