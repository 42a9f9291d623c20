// The one rule for the password in a URL (`scheme://user:password@host`), found by a linear scan.

/** Where a password stands in a text: `text.slice(start, end)`. */
export interface TextSpan {
  readonly start: number;
  readonly end: number;
}

const SCHEME_CHAR = /[a-z0-9+.-]/i;
const LETTER = /[a-z]/i;

/**
 * Ends an authority: the URL's own delimiters, whitespace, and the quotes and brackets that end a URL
 * written inside a sentence or a JSON string.
 */
function endsAuthority(char: string): boolean {
  return char === '/' || char === '?' || char === '#' || char === '"' || char === "'" || char === '`' || char === '<' || char === '>' || char === '\\' || /\s/.test(char);
}

/** The start of the scheme that ends just before `colon` (the `:` of `://`), or -1 when there is none. */
function schemeStart(text: string, colon: number, floor: number): number {
  let start = colon;
  while (start > floor && SCHEME_CHAR.test(text[start - 1]!)) start--;
  // A scheme starts with a letter: `1amqp://` is the scheme `amqp`.
  while (start < colon && !LETTER.test(text[start]!)) start++;
  return start < colon ? start : -1;
}

/**
 * The passwords of every URL in `text`, as the WHATWG URL parser reads them: the authority runs to the
 * first `/`, `?` or `#`, its last `@` ends the user info, and the user info's first `:` starts the
 * password (so `u:p@ss@h` has the password `p@ss`). A `${…}` reference is one token (its `:` and `/`
 * are not the URL's). One pass over the text: every character is looked at a bounded number of times,
 * so a megabyte of letters followed by `@` costs what a megabyte costs.
 */
export function urlPasswords(text: string): TextSpan[] {
  const spans: TextSpan[] = [];
  // Where the previous URL's authority ended: a scheme never reaches back over it.
  let floor = 0;
  let search = 0;
  // The next `}` after a `${`, found once per reference; -1 when none is left (a `${` is then plain text).
  let closeAt = 0;
  for (;;) {
    const colon = text.indexOf('://', search);
    if (colon < 0) return spans;
    const start = schemeStart(text, colon, floor);
    let i = colon + 3;
    search = i;
    if (start < 0) continue;
    let lastAt = -1;
    let firstColon = -1;
    while (i < text.length) {
      const char = text[i]!;
      if (char === '$' && text[i + 1] === '{' && closeAt >= 0) {
        if (closeAt <= i) closeAt = text.indexOf('}', i + 2);
        if (closeAt >= 0) {
          i = closeAt + 1;
          continue;
        }
      }
      if (endsAuthority(char)) break;
      if (char === '@') lastAt = i;
      else if (char === ':' && firstColon < 0) firstColon = i;
      i++;
    }
    floor = i;
    search = Math.max(search, i);
    // The password is between the user info's first `:` and the authority's last `@` (a `:` after that `@` is the port's).
    if (lastAt >= 0 && firstColon >= 0 && firstColon < lastAt && lastAt > firstColon + 1) spans.push({ start: firstColon + 1, end: lastAt });
  }
}

/** Whether `span` (a `${env:…}` reference, say) stands inside the password of a URL written in `text`. */
export function inUrlPassword(text: string, span: TextSpan): boolean {
  return urlPasswords(text).some((password) => span.start >= password.start && span.end <= password.end);
}
