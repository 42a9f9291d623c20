// A Kafka source's `select.from` / `select.until`: the one reading of a written position (keyword, offset or time), for the checks and the executor alike.

/** The words a position may be, besides an offset or a time; `end` and `latest` are the same place. */
const KAFKA_POSITION_KEYWORDS = ['earliest', 'latest', 'end'] as const;

/** What a position may be, as the messages that refuse one say it. */
export const KAFKA_POSITION_FORMS = `${KAFKA_POSITION_KEYWORDS.map((k) => `\`${k}\``).join(', ')}, an offset (a whole number, 0 or more) or an ISO-8601 time such as \`2026-11-01T00:00:00Z\``;

/** A Kafka position as written: a keyword, an offset, or a time in ms since the epoch. */
export type KafkaPosition =
  | { readonly kind: 'earliest' }
  | { readonly kind: 'end'; readonly word: string }
  | { readonly kind: 'offset'; readonly offset: bigint }
  | { readonly kind: 'time'; readonly ms: number; readonly zoned: boolean };

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Reads a written `from`/`until`, or undefined when it is none of the forms the format allows. A
 * time names a real calendar day and clock time (`2026-02-30` is refused, not March 2nd); a date
 * alone is UTC midnight; a time without a zone is the executor's local time (`zoned: false`).
 */
export function parseKafkaPosition(value: unknown): KafkaPosition | undefined {
  if (value === 'earliest') return { kind: 'earliest' };
  if (value === 'latest' || value === 'end') return { kind: 'end', word: value };
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? { kind: 'offset', offset: BigInt(value) } : undefined;
  if (typeof value !== 'string') return undefined;
  if (/^\d+$/.test(value)) return { kind: 'offset', offset: BigInt(value) };
  const match = ISO_TIME.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour = 0, minute = 0, second = 0] = match.slice(1, 7).map((part) => (part === undefined ? undefined : Number(part)));
  const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  if (month! < 1 || month! > 12 || day! < 1 || day! > daysInMonth || hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return undefined;
  return { kind: 'time', ms, zoned: match[7] !== undefined || match[4] === undefined };
}
