// Maps an HTTP failure (status, network error, timeout) to a ConnectorError class, with Retry-After parsed.
import { ConnectorError } from './connector';
import { maskUrlPasswords } from '../../flow/secret-mask';

/** Retry-After in milliseconds: delta-seconds or an HTTP date; undefined when absent or unparsable. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * A gateway's 502, 503 or 504 says nothing about the service behind it, which may have processed the
 * request before the gateway gave up on it: the message is in doubt (a later delivery may be a duplicate).
 */
const GATEWAY_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

export function statusError(component: string, method: string, url: string, status: number, retryAfter: string | null): ConnectorError {
  const errorClass = status === 429 ? '429' : status >= 500 ? '5xx' : '4xx';
  const retryAfterMs = parseRetryAfter(retryAfter);
  return new ConnectorError(`component ${component}: ${method} ${url} answered ${status}`, errorClass, {
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(GATEWAY_STATUSES.has(status) ? { inDoubt: true } : {}),
  });
}

/**
 * A 3xx: FlowTracer follows no redirect (the run was confirmed for the flow's hosts, not for where a server
 * points), so it fails like a 4xx, not retried by default; the sentence names the Location to write instead.
 */
export function redirectError(component: string, method: string, shownUrl: string, status: number, url: string, location: string | null): ConnectorError {
  let target = location ?? '';
  try {
    if (location) target = new URL(location, url).href;
  } catch {
    // An unparsable Location is named as sent.
  }
  const where = location ? ` to ${maskUrlPasswords(target)}` : ' without a Location';
  return new ConnectorError(`component ${component}: ${method} ${shownUrl} answered ${status}, a redirect${where}: FlowTracer follows no redirect; write the final URL in the flow`, '4xx');
}

export function requestError(component: string, method: string, url: string, error: unknown, runAborted: boolean): ConnectorError {
  const name = (error as { name?: string }).name;
  if (name === 'TimeoutError') return new ConnectorError(`component ${component}: ${method} ${url} timed out`, 'timeout', { cause: error });
  if (name === 'AbortError' || runAborted) return new ConnectorError(`component ${component}: ${method} ${url} was aborted`, 'timeout', { cause: error });
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return new ConnectorError(`component ${component}: ${method} ${url} failed: ${cause?.code ?? cause?.message ?? (error as Error).message}`, 'connection', { cause: error });
}
