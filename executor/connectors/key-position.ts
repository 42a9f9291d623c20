// A source position that names a message by its key (a query row's keyColumn, an api item's key): it stays true when rows come and go.
import type { JsonValue } from 'jsonpath-rfc9535';

/**
 * `key <JSON>`, then ` #<n>` for the n-th message (n ≥ 2) with the same key. A query row's key is
 * PostgreSQL's own text of the value (a JSON string, exact for every type: `key "42"`,
 * `key "2026-11-01 10:00:00.123456"`) or `null`; an api item's is its key's JSON value.
 */
export interface KeyPosition {
  readonly key: JsonValue;
  /** 1 for the first message with this key, 2 for the next one… */
  readonly occurrence: number;
}

/** Where a resumed keyed source continues: its last committed position, and how many it had committed (for `limit`). */
export interface ResumeFrom {
  readonly position: string;
  readonly committed: number;
}

export function keyPosition(key: JsonValue, occurrence: number): string {
  return `key ${JSON.stringify(key)}${occurrence > 1 ? ` #${occurrence}` : ''}`;
}

/** The key and occurrence of a `key …` position; undefined for any other position (`row 3`, `item 3`, an offset). */
export function parseKeyPosition(position: string): KeyPosition | undefined {
  if (!position.startsWith('key ')) return undefined;
  const rest = position.slice(4);
  const repeated = / #(\d+)$/.exec(rest);
  // A JSON value never ends in ` #<digits>` outside a string, so the suffix is told from the key by whether the rest parses.
  const whole = parseJson(rest);
  if (whole.ok) return { key: whole.value, occurrence: 1 };
  if (!repeated) return undefined;
  const key = parseJson(rest.slice(0, repeated.index));
  return key.ok ? { key: key.value, occurrence: Number(repeated[1]) } : undefined;
}

function parseJson(text: string): { ok: true; value: JsonValue } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as JsonValue };
  } catch {
    return { ok: false };
  }
}
