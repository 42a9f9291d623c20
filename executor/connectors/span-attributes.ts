// Attributes more than one connector's spans share (OpenTelemetry conventions): the server, the message's size.
import type { FlowMessage, SpanAttributes } from './connector';

/** `server.address` and `server.port` of a URL or a `host:port` (a broker); nothing when it is neither. */
export function serverAttributes(where: string, defaultPort?: number): SpanAttributes {
  try {
    const url = new URL(where.includes('://') ? where : `tcp://${where}`);
    const port = url.port === '' ? defaultPort : Number(url.port);
    return { 'server.address': url.hostname.replace(/^\[|\]$/g, ''), ...(port !== undefined ? { 'server.port': port } : {}) };
  } catch {
    return {};
  }
}

/** `messaging.message.body.size`: the payload's bytes, never the payload. */
export function bodySize(message: FlowMessage): SpanAttributes {
  return { 'messaging.message.body.size': message.value.length };
}
