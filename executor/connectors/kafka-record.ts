// kafkajs's record encoder (protocol/recordBatch/record/v0) writing a record into one encoder of the right size: the same bytes.
import Encoder = require('./kafka-encoder');

interface Record {
  readonly offsetDelta?: number;
  readonly timestampDelta?: unknown;
  readonly key?: unknown;
  readonly value?: unknown;
  readonly headers?: Readonly<Partial<{ [name: string]: unknown }>>;
}

// kafkajs's own, for what this leaves to it (its package ships no types for its sources).
const kafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (record: Record) => unknown;

/** What kafkajs's encoder writes as varint-length bytes without a question: none, a Buffer, a text. */
const isPlainBytes = (value: unknown): boolean => value == null || typeof value === 'string' || Buffer.isBuffer(value);

/**
 * esbuild.mjs puts this in place of kafkajs's record encoder in the executor bundle. kafkajs
 * encodes each record into an encoder of the default 512 bytes, which a 1 KB value outgrows (a
 * second buffer, a copy), and each header into an encoder of its own (another 512 bytes) after an
 * array of header objects. Here the record's size, which kafkajs computes anyway, sizes one
 * encoder, and the headers are written straight into it. A record with anything else (a header of
 * several values or none, a key that is neither text nor bytes) goes to kafkajs's own, to be
 * encoded or refused by it.
 */
function encodeRecord(record: Record): Encoder {
  const { offsetDelta = 0, timestampDelta = 0, key, value, headers = {} } = record;
  const names = Object.keys(headers);
  let headersSize = Encoder.sizeOfVarInt(names.length);
  for (const name of names) {
    const header = headers[name];
    if (!(typeof header === 'string' || Buffer.isBuffer(header))) return kafkajsRecord(record) as Encoder;
    headersSize += Encoder.sizeOfVarIntBytes(name) + Encoder.sizeOfVarIntBytes(header);
  }
  if (!isPlainBytes(key) || !isPlainBytes(value)) return kafkajsRecord(record) as Encoder;
  const body = 1 + Encoder.sizeOfVarLong(timestampDelta) + Encoder.sizeOfVarInt(offsetDelta) + Encoder.sizeOfVarIntBytes(key) + Encoder.sizeOfVarIntBytes(value) + headersSize;
  const out = new Encoder(Encoder.sizeOfVarInt(body) + body);
  // As kafkajs's: length, attributes (none), timestamp delta, offset delta, key, value, headers.
  out.writeVarInt(body).writeInt8(0).writeVarLong(timestampDelta).writeVarInt(offsetDelta).writeVarIntBytes(key).writeVarIntBytes(value).writeVarInt(names.length);
  for (const name of names) out.writeVarIntString(name).writeVarIntBytes(headers[name]);
  return out;
}

export = encodeRecord;
