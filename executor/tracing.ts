// W3C trace context: every message carries a `traceparent`; each hop keeps the trace id, with a new span id (its span's, when traced).
import { randomFillSync } from 'node:crypto';

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export interface TraceContext {
  readonly traceId: string;
  readonly spanId: string;
}

export function parseTraceparent(value: string | undefined): TraceContext | undefined {
  const match = value === undefined ? null : TRACEPARENT.exec(value.trim());
  if (!match || /^0+$/.test(match[2]!) || /^0+$/.test(match[3]!) || match[1] === 'ff') return undefined;
  return { traceId: match[2]!, spanId: match[3]! };
}

function formatTraceparent(context: TraceContext): string {
  return `00-${context.traceId}-${context.spanId}-01`;
}

/** Random bytes drawn from a pool refilled 4 KB at a time: one system call per ~170 messages, not two per message. */
const pool = Buffer.alloc(4096);
let used = pool.length;

function randomHex(bytes: number): string {
  if (used + bytes > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += bytes;
  return pool.toString('hex', used - bytes, used);
}

/** A new trace id (16 random bytes as hex): for a message that came without a valid `traceparent`. */
export function newTraceId(): string {
  return randomHex(16);
}

/** A connection's trace seed (8 random bytes as hex, never all zeros): the first half of the trace ids it derives (protocol/journal-batches.ts). */
export function newTraceSeed(): string {
  const seed = randomHex(8);
  return /^0+$/.test(seed) ? newTraceSeed() : seed;
}

/** A new span id (8 random bytes as hex): one per hop, and per span when spans are exported. */
export function newSpanId(): string {
  return randomHex(8);
}

/** The headers with `traceparent` set to the hop's context; everything else (`tracestate` included) passes on unchanged. */
export function withTraceparent(headers: Readonly<Record<string, string>>, context: TraceContext): Record<string, string> {
  // Not `{ ...headers, traceparent }`: in V8 a spread followed by more properties takes a slow path (~1 µs), once a message.
  const out: Record<string, string> = Object.assign({}, headers);
  out.traceparent = formatTraceparent(context);
  return out;
}
