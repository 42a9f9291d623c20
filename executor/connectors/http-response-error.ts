// Maps an HTTP failure (status, network error, timeout) to a ConnectorError class, with Retry-After parsed.
import { ConnectorError } from './connector';

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

export function requestError(component: string, method: string, url: string, error: unknown, runAborted: boolean): ConnectorError {
  const name = (error as { name?: string }).name;
  if (name === 'TimeoutError') return new ConnectorError(`component ${component}: ${method} ${url} timed out`, 'timeout', { cause: error });
  if (name === 'AbortError' || runAborted) return new ConnectorError(`component ${component}: ${method} ${url} was aborted`, 'timeout', { cause: error });
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return new ConnectorError(`component ${component}: ${method} ${url} failed: ${cause?.code ?? cause?.message ?? (error as Error).message}`, 'connection', { cause: error });
}
