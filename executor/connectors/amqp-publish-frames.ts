// amqplib builds a publish in five steps, with a zero-filled buffer for each frame and the body copied twice; the publisher's one kind of publish is written here in one buffer, byte for byte as amqplib writes it.
import type { ConfirmChannel } from 'amqplib';

/**
 * What the publisher sends: persistent (delivery mode 2), mandatory, text headers, a message id
 * when the message has a key.
 */
export interface PersistentPublish {
  readonly exchange: string;
  readonly routingKey: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly messageId: string | undefined;
  readonly content: Buffer;
}

/** What this needs of amqplib's channel and connection (lib/channel.js, lib/connection.js); absent in another version, amqplib publishes. */
interface ChannelInternals {
  readonly ch: number;
  readonly connection: ConnectionInternals;
  pushConfirmCallback(callback: (error: unknown) => void): void;
}

interface ConnectionInternals {
  readonly channels: readonly ({ readonly buffer: { write(chunk: Buffer): boolean } } | undefined)[];
  readonly frameMax: number;
  sentSinceLastCheck: boolean;
}

const FRAME_METHOD = 1;
const FRAME_HEADER = 2;
const FRAME_BODY = 3;
const FRAME_END = 206;
/** A frame's type, channel and size before its payload, and its end byte after. */
const FRAME_OVERHEAD = 8;
/** Class 60 (basic), method 40 (publish); class 60 and weight 0 in the content header. */
const BASIC_PUBLISH = 0x003c0028;
const BASIC_CLASS_AND_WEIGHT = 0x003c0000;
/** Property flags: headers, delivery mode, message id. */
const HEADERS_FLAG = 0x2000;
const DELIVERY_MODE_FLAG = 0x1000;
const MESSAGE_ID_FLAG = 0x0080;
const PERSISTENT = 2;
/** amqplib encodes a field table in a 64 KiB scratch buffer and fails above it: a table that large goes to amqplib, to fail as it does. */
const TABLE_LIMIT = 60 * 1024;
const SHORT_STRING_LIMIT = 255;

/**
 * Whether `channel` is an amqplib channel this can publish on: its internals are the ones written
 * against, neither it nor its connection is closing (amqplib then replaces their `sendMessage`
 * with one that throws, on the instance: the publish goes to amqplib, which throws as it does), and
 * its `publish` is amqplib's.
 */
function internalsOf(channel: ConfirmChannel): ChannelInternals | undefined {
  const c = channel as unknown as Partial<ChannelInternals>;
  const connection = c.connection as Partial<ConnectionInternals> | undefined;
  if (typeof c.ch !== 'number' || typeof c.pushConfirmCallback !== 'function' || !connection || !Array.isArray(connection.channels) || typeof connection.frameMax !== 'number') return undefined;
  if (Object.hasOwn(channel, 'sendMessage') || Object.hasOwn(connection, 'sendMessage')) return undefined;
  // A publish wrapped on this channel (a test's recorder, an instrumentation) is called, not bypassed.
  if (Object.hasOwn(channel, 'publish')) return undefined;
  return c as ChannelInternals;
}

/** Whether this amqplib has the internals `publishPersistent` writes through (tests check that it does). */
export function writesFramesOn(channel: ConfirmChannel): boolean {
  return internalsOf(channel) !== undefined;
}

/**
 * Publishes on a confirm channel as `channel.publish(exchange, routingKey, content, { persistent:
 * true, mandatory: true, headers, messageId }, confirmed)` does, with the same frames, return value
 * and confirm callback. A publish amqplib would refuse (a text over 255 bytes, a huge table, a body
 * over one frame) or a channel it would refuse it on goes to amqplib, to be sent or refused by it.
 */
export function publishPersistent(channel: ConfirmChannel, publish: PersistentPublish, confirmed: (error: unknown) => void): boolean {
  const internals = internalsOf(channel);
  const buffer = internals?.connection.channels[internals.ch]?.buffer;
  const frames = internals && buffer ? encodeFrames(internals.ch, internals.connection.frameMax, publish) : undefined;
  if (internals && buffer && frames) {
    internals.connection.sentSinceLastCheck = true;
    const room = buffer.write(frames);
    // As amqplib's ConfirmChannel: the callback is queued once the publish was written.
    internals.pushConfirmCallback(confirmed);
    return room;
  }
  const { exchange, routingKey, headers, messageId, content } = publish;
  return channel.publish(exchange, routingKey, content, { persistent: true, mandatory: true, headers, messageId }, confirmed);
}

/** The method, content header and body frames of the publish, in one buffer; undefined for what this leaves to amqplib. */
export function encodeFrames(channel: number, frameMax: number, publish: PersistentPublish): Buffer | undefined {
  const { exchange, routingKey, headers, messageId, content } = publish;
  const exchangeLength = Buffer.byteLength(exchange);
  const routingKeyLength = Buffer.byteLength(routingKey);
  const messageIdLength = messageId === undefined ? 0 : Buffer.byteLength(messageId);
  if (exchangeLength > SHORT_STRING_LIMIT || routingKeyLength > SHORT_STRING_LIMIT || messageIdLength > SHORT_STRING_LIMIT) return undefined;
  if (content.length > 0 && content.length + FRAME_OVERHEAD > frameMax) return undefined;
  // The table: per header, its name (a short string) and its value (tag 'S', a long string).
  let tableLength = 0;
  for (const name in headers) {
    const nameLength = Buffer.byteLength(name);
    const value: unknown = headers[name];
    if (nameLength > SHORT_STRING_LIMIT || typeof value !== 'string') return undefined;
    tableLength += 1 + nameLength + 1 + 4 + Buffer.byteLength(value);
  }
  if (tableLength > TABLE_LIMIT) return undefined;
  const methodLength = 4 + 2 + 1 + exchangeLength + 1 + routingKeyLength + 1;
  const headerLength = 4 + 8 + 2 + 4 + tableLength + 1 + (messageId === undefined ? 0 : 1 + messageIdLength);
  const bodyFrame = content.length > 0 ? FRAME_OVERHEAD + content.length : 0;
  // Not zero-filled: every byte of it is written below.
  const out = Buffer.allocUnsafe(FRAME_OVERHEAD + methodLength + FRAME_OVERHEAD + headerLength + bodyFrame);
  let at = frameStart(out, 0, FRAME_METHOD, channel, methodLength);
  at = out.writeUInt32BE(BASIC_PUBLISH, at);
  at = out.writeUInt16BE(0, at); // ticket
  at = shortString(out, at, exchange);
  at = shortString(out, at, routingKey);
  out[at++] = 1; // mandatory, not immediate
  out[at++] = FRAME_END;
  at = frameStart(out, at, FRAME_HEADER, channel, headerLength);
  at = out.writeUInt32BE(BASIC_CLASS_AND_WEIGHT, at);
  at = out.writeUInt32BE(Math.floor(content.length / 0x1_0000_0000), at);
  at = out.writeUInt32BE(content.length % 0x1_0000_0000, at);
  at = out.writeUInt16BE(HEADERS_FLAG | DELIVERY_MODE_FLAG | (messageId === undefined ? 0 : MESSAGE_ID_FLAG), at);
  at = out.writeUInt32BE(tableLength, at);
  for (const name in headers) {
    at = shortString(out, at, name);
    out[at++] = 0x53; // 'S'
    // The value first, then its length before it: the buffer was sized for both, and its length is what was written.
    const written = out.write(headers[name]!, at + 4);
    out.writeUInt32BE(written, at);
    at += 4 + written;
  }
  out[at++] = PERSISTENT;
  if (messageId !== undefined) at = shortString(out, at, messageId);
  out[at++] = FRAME_END;
  if (bodyFrame > 0) {
    at = frameStart(out, at, FRAME_BODY, channel, content.length);
    at += content.copy(out, at);
    out[at++] = FRAME_END;
  }
  return out;
}

function frameStart(out: Buffer, at: number, type: number, channel: number, size: number): number {
  out[at] = type;
  out.writeUInt16BE(channel, at + 1);
  return out.writeUInt32BE(size, at + 3);
}

/** A length byte and the text's UTF-8 (at most 255 bytes, checked when the buffer was sized): its length is what was written. */
function shortString(out: Buffer, at: number, text: string): number {
  const length = out.write(text, at + 1);
  out[at] = length;
  return at + 1 + length;
}
