// Redactor: masks resolved secret values and passwords in URLs in every log line, event and journal entry (a stored message excepted).

export const MASK = '***';

/** `scheme://user:password@host` -> the password part. */
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)([^@/?#\s]+)(@)/gi;

/**
 * Fields of events, journal records and the summary whose values the executor picks from a fixed
 * set (the event or record type, statuses, log levels, modes): they never hold a secret, and a
 * short secret masked inside them (`'a'` in `parked`) would make the record unreadable.
 */
export const FIXED_VALUE_FIELDS: readonly string[] = ['type', 't', 'status', 'level', 'mode'];

export class Redactor {
  private secrets: string[] = [];

  /** Remembers a secret value; very short values are masked too, since they were declared secret. */
  addSecret(value: string): void {
    if (value === '' || this.secrets.includes(value)) return;
    this.secrets.push(value);
    // Longest first, so that a secret containing another is masked whole.
    this.secrets.sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    // The URL pattern needs an '@': most strings (every journal record's fields) skip the regex.
    let out = text.includes('@') ? text.replace(URL_PASSWORD, `$1${MASK}$3`) : text;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join(MASK);
      // Also the forms a secret takes inside JSON strings and URLs.
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret && out.includes(encoded)) out = out.split(encoded).join(MASK);
      const json = JSON.stringify(secret).slice(1, -1);
      if (json !== secret && out.includes(json)) out = out.split(json).join(MASK);
    }
    return out;
  }

  /** A copy of an event, record or summary with every string redacted but those of the `kept` top-level fields. */
  redactExcept<T extends object>(value: T, kept: ReadonlySet<string>): T {
    // Plain loops: this runs for every journal record (three a message), and entry arrays were most of its cost.
    const out: Record<string, unknown> = {};
    for (const field of Object.keys(value)) {
      const v = (value as Record<string, unknown>)[field];
      out[field] = kept.has(field) ? v : this.redactDeep(v);
    }
    return out as T;
  }

  /** A deep copy with every string redacted (events, journal records). */
  redactDeep<T>(value: T): T {
    if (typeof value === 'string') return this.redact(value) as T;
    if (Array.isArray(value)) return value.map((v: unknown) => this.redactDeep(v)) as T;
    if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) out[key] = this.redactDeep((value as Record<string, unknown>)[key]);
      return out as T;
    }
    return value;
  }
}
