// The .ndjson message file: one `{ key, headers, value }` a line, read for `send` and written by `export-messages`.
import type { BrowsedMessage, FlowMessage } from '../connectors/connector';

/** A line of a messages file that is not a message; `line` counts from 1. */
export class MessageLineError extends Error {
  constructor(
    readonly line: number,
    problem: string,
  ) {
    super(`line ${line}: ${problem}`);
    this.name = 'MessageLineError';
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The bytes as text when they are UTF-8 that encodes back to the same bytes; undefined otherwise. */
function exactText(bytes: Buffer): string | undefined {
  try {
    const text = UTF8.decode(bytes);
    return Buffer.from(text, 'utf8').equals(bytes) ? text : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One message as a line's object. `value` is the payload's text when it is UTF-8 (a JSON payload
 * stays the exact text it was, not reformatted), else `valueBase64`; `source` says where it was
 * read. `send` reads key, headers and value and ignores the rest; `details` adds what a browse
 * shows (partition and offset, exchange and routing key, redelivered).
 */
export function messageRecord(message: BrowsedMessage, details: boolean): Record<string, unknown> {
  const text = exactText(message.value);
  return {
    key: message.key,
    headers: message.headers,
    ...(text !== undefined ? { value: text } : { valueBase64: message.value.toString('base64') }),
    source: message.position,
    ...(message.timestamp ? { timestamp: message.timestamp } : {}),
    ...(details
      ? {
          ...(message.partition !== undefined ? { partition: message.partition, offset: message.offset } : {}),
          ...(message.routingKey !== undefined ? { exchange: message.exchange, routingKey: message.routingKey } : {}),
          ...(message.redelivered !== undefined ? { redelivered: message.redelivered } : {}),
        }
      : {}),
  };
}

/** A payload for reading: pretty-printed JSON, else its text, else hex. */
export function payloadText(value: Buffer): string {
  const text = exactText(value);
  if (text === undefined) return `hex ${value.toString('hex')}`;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/**
 * A line as a message: `value` a string is sent as its UTF-8 bytes, any other JSON value as its
 * JSON text; `valueBase64` gives binary bytes. `key` is a string or null, `headers` strings.
 */
export function parseMessageLine(text: string, line: number): FlowMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new MessageLineError(line, `not JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new MessageLineError(line, 'a message is an object { key, headers, value }');
  const m = parsed as Record<string, unknown>;
  const key = m.key ?? null;
  if (key !== null && typeof key !== 'string') throw new MessageLineError(line, '`key` must be a string or null');
  const headers = m.headers ?? {};
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers) || Object.values(headers).some((v) => typeof v !== 'string')) {
    throw new MessageLineError(line, '`headers` must be an object of strings');
  }
  if ('value' in m && 'valueBase64' in m) throw new MessageLineError(line, 'give `value` or `valueBase64`, not both');
  let value: Buffer;
  if (typeof m.valueBase64 === 'string') value = Buffer.from(m.valueBase64, 'base64');
  else if (!('value' in m)) throw new MessageLineError(line, 'a message needs `value` (or `valueBase64`)');
  else value = Buffer.from(typeof m.value === 'string' ? m.value : JSON.stringify(m.value), 'utf8');
  return { key, headers: headers as Record<string, string>, value };
}

/** The lines of a file's text that hold something: blank lines are skipped, numbered as in the file. */
export async function* messageLines(lines: AsyncIterable<string>): AsyncIterable<{ message: FlowMessage; line: number }> {
  let n = 0;
  for await (const text of lines) {
    n += 1;
    if (text.trim() === '') continue;
    yield { message: parseMessageLine(text, n), line: n };
  }
}
