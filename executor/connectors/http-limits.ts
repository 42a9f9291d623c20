// What an HTTP request may carry from a message and read back: the headers forwarded from a message, and the most bytes of a response body.
import { ConnectorError } from './connector';

/**
 * Message headers that steer the request itself rather than describe the message: credentials,
 * cookies, the host, proxies' and the hop-by-hop ones. A message from a topic (someone else's) must not
 * choose them: they are forwarded only when the connection lists them in `forwardHeaders`.
 */
const GUARDED = new Set(['authorization', 'cookie', 'host', 'connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'content-length']);

function guarded(name: string): boolean {
  const lower = name.toLowerCase();
  return GUARDED.has(lower) || lower.startsWith('proxy-');
}

/** The headers of a message that go into its request: all but the guarded ones, which only when `forward` names them (any case). */
export function forwardedHeaders(headers: Readonly<Record<string, string>> | undefined, forward: readonly string[] | undefined): Record<string, string> {
  const allowed = new Set((forward ?? []).map((h) => h.toLowerCase()));
  return Object.fromEntries(Object.entries(headers ?? {}).filter(([name]) => !guarded(name) || allowed.has(name.toLowerCase())));
}

/** 10 MB, the `flowtracer.http.maxResponseBytes` setting's default (package.json). */
const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;
/** Where the extension passes the setting to the executor (and where a CLI user may set it). */
const MAX_RESPONSE_BYTES_ENV = 'FLOWTRACER_HTTP_MAX_RESPONSE_BYTES';

/** The limit: the connection's `maxResponseBytes`, the component's, the setting's (environment), or 10 MB. */
export function maxResponseBytesOf(connection: unknown, component: unknown, env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env[MAX_RESPONSE_BYTES_ENV]);
  for (const value of [connection, component, fromEnv]) if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  return DEFAULT_MAX_RESPONSE_BYTES;
}

/**
 * A response body read up to `limit` bytes; a larger one (by its Content-Length, or as it arrives) is
 * cancelled and fails as `validation`: not retried, since the same request gets the same answer.
 */
export async function readLimited(response: Response, limit: number, describe: () => string): Promise<Buffer> {
  const tooLarge = (): ConnectorError => new ConnectorError(`${describe()} answered a body larger than maxResponseBytes (${limit} bytes)`, 'validation');
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!response.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, length);
}
