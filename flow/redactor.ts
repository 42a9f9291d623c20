// Redactor: masks registered secret values, then the passwords of URLs, in every text a person or a file may see (logs, events, journal records, summaries, stderr).
import { MASK, maskUrlPasswords } from './secret-mask';

/**
 * Secrets shorter than this are masked only where they stand whole: a text (a field's value) that is
 * the secret, or a URL's password. Masked inside words, a one-character secret would turn every log
 * line into masks and, by where the masks fall, tell the secret anyway.
 */
const MIN_EMBEDDED_SECRET_LENGTH = 4;

export class Redactor {
  /** Each secret with the forms it takes inside JSON strings and URLs, longest first. */
  private forms: string[] = [];
  private readonly short = new Set<string>();
  private readonly known = new Set<string>();

  constructor(secrets: Iterable<string> = []) {
    for (const secret of secrets) this.addSecret(secret);
  }

  /** Remembers a secret value (a `${secret:…}` value, or an `${env:…}` value the flow uses as a credential). */
  addSecret(value: string): void {
    if (value === '' || this.known.has(value)) return;
    this.known.add(value);
    const forms = [value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)];
    if (value.length < MIN_EMBEDDED_SECRET_LENGTH) {
      for (const form of forms) this.short.add(form);
      return;
    }
    for (const form of forms) if (!this.forms.includes(form)) this.forms.push(form);
    // Longest first, so that a secret containing another is masked whole.
    this.forms.sort((a, b) => b.length - a.length);
  }

  /** Secrets first (a password with an `@` in a URL is masked whole), then every URL's password. */
  redact(text: string): string {
    // Most runs have no short secret: no trimmed copy of every text for a lookup in an empty set.
    if (this.short.size > 0 && (this.short.has(text) || this.short.has(text.trim()))) return MASK;
    let out = text;
    for (const form of this.forms) if (out.includes(form)) out = out.split(form).join(MASK);
    return maskUrlPasswords(out);
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
    if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) out[key] = this.redactDeep((value as Record<string, unknown>)[key]);
      return out as T;
    }
    return value;
  }
}
