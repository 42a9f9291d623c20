// kafkajs's protocol Decoder with a small varlong read without its BigInt-backed Long arithmetic: the same values.
// kafkajs's package ships no types for its sources.
const KafkajsDecoder = require('kafkajs/src/protocol/decoder') as KafkajsDecoderClass;
const Long = require('kafkajs/src/utils/long') as { fromNumber(value: number): unknown };

interface KafkajsDecoder {
  buffer: Buffer;
  offset: number;
  readVarLong(): unknown;
}

type KafkajsDecoderClass = new (buffer: Buffer) => KafkajsDecoder;

/**
 * esbuild.mjs puts this in place of kafkajs's `protocol/decoder.js` in the executor bundle. kafkajs
 * reads a varlong (every record's timestamp delta) into a Long, and makes three more Longs for each
 * of its bytes and five for the zigzag. Here one of at most four bytes (28 bits) is read as a number
 * and makes one Long; a longer one is kafkajs's own. Slices are Decoders of this class.
 */
class Decoder extends KafkajsDecoder {
  override readVarLong(): unknown {
    const buffer = this.buffer;
    let offset = this.offset;
    let value = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = buffer[offset++]!;
      value |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte >= 0x80 && shift < 28);
    // Longer than four bytes, or cut short by the buffer's end (no byte there): kafkajs's own read, from the start.
    if (byte >= 0x80 || byte === undefined) return super.readVarLong();
    this.offset = offset;
    return Long.fromNumber((value >>> 1) ^ -(value & 1));
  }

  slice(size: number): Decoder {
    return new Decoder(this.buffer.slice(this.offset, this.offset + size));
  }
}

export = Decoder;
