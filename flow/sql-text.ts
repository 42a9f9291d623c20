// A `select.query` read as text, without a SQL parser: its placeholders, its statement without a trailing `;`, the column its rows are ordered by.

/** String literals, quoted identifiers, comments and dollar-quoted bodies: where a `$1`, a `;` or an `ORDER BY` is not code. */
const NOT_CODE = /'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\/\*[\s\S]*?\*\/|\$([A-Za-z_]\w*)?\$[\s\S]*?\$\1\$/g;

/**
 * The text at the same length with comments blanked and literals (and quoted identifiers, unless
 * kept) filled with `_`, so that offsets still point into the written query and a literal still
 * counts as something written.
 */
function codeOnly(sql: string, keepIdentifiers: boolean): string {
  return sql.replace(NOT_CODE, (part) => {
    if (part.startsWith('--') || part.startsWith('/*')) return part.replace(/[^\n]/g, ' ');
    return keepIdentifiers && part.startsWith('"') ? part : '_'.repeat(part.length);
  });
}

/** The highest `$n` of a SQL text outside its string literals, quoted identifiers, comments and dollar-quoted bodies. */
export function highestPlaceholder(sql: string): number {
  let highest = 0;
  for (const match of codeOnly(sql, false).matchAll(/\$(\d+)/g)) highest = Math.max(highest, Number(match[1]));
  return highest;
}

/** The statement without what may follow its last token: spaces, `;`, comments (so that it can stand inside parentheses). */
export function statementBody(sql: string): string {
  const code = codeOnly(sql, false);
  let end = code.length;
  while (end > 0 && /[\s;]/.test(code[end - 1]!)) end--;
  return sql.slice(0, end);
}

const IDENTIFIER = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`;
/** One sort key that is a column, maybe qualified, ascending with nulls last (PostgreSQL's default for ascending). */
const ASCENDING_COLUMN = new RegExp(String.raw`^(?:${IDENTIFIER}\s*\.\s*)*(${IDENTIFIER})(?:\s+asc)?(?:\s+nulls\s+last)?$`, 'i');

/**
 * Whether the query's own ORDER BY (the outermost one: not a subquery's, a window's or a CTE's)
 * starts with `column`, ascending. An unquoted name matches in lower case, as PostgreSQL folds it.
 */
export function ordersByColumn(sql: string, column: string): boolean {
  // Keywords and parentheses are looked for where quoted names are masked too; the sort key is read where they are kept.
  const masked = codeOnly(sql, false);
  const code = codeOnly(sql, true);
  const depths: number[] = [];
  let depth = 0;
  for (let i = 0; i < masked.length; i++) {
    if (masked[i] === ')') depth--;
    depths.push(depth);
    if (masked[i] === '(') depth++;
  }
  const outer = [...masked.matchAll(/\border\s+by\b/gi)].filter((m) => depths[m.index] === 0).pop();
  if (!outer) return false;
  const start = outer.index + outer[0].length;
  // The first sort key ends at a comma, a `;`, the end, or where LIMIT/OFFSET/FETCH/FOR UPDATE begins.
  const clauseEnd = /[,;]|\b(?:limit|offset|fetch|for)\b/gi;
  clauseEnd.lastIndex = start;
  let end = code.length;
  for (let m = clauseEnd.exec(masked); m; m = clauseEnd.exec(masked)) {
    if (depths[m.index] === 0) {
      end = m.index;
      break;
    }
  }
  const first = ASCENDING_COLUMN.exec(code.slice(start, end).trim());
  if (!first) return false;
  const name = first[1]!;
  return name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') === column : name.toLowerCase() === column;
}
