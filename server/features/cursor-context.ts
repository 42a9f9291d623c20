// Works out where the cursor is (key or value, under which keys) from the text, so it works on broken YAML.

export interface CursorContext {
  /** The keys of the enclosing mappings from the root; '[]' stands for a list item. */
  readonly path: readonly string[];
  /** Typing a key, or the value of `key`. */
  readonly mode: 'key' | 'value';
  readonly key?: string;
  /** The value is a list item (inside `[ ]` or after `- `). */
  readonly inList: boolean;
  /** The word being typed: its start offset and text so far. */
  readonly wordStart: number;
  readonly word: string;
  /** The column where a new key at this level starts (block style), for snippets. */
  readonly indent: number;
  /** True inside `{ }` or `[ ]` on the cursor's line. */
  readonly inFlow: boolean;
}

interface LineShape {
  /** Column of the key (after any `- `), or of the first character. */
  readonly keyColumn: number;
  readonly dashColumns: readonly number[];
  readonly key: string | undefined;
  readonly blank: boolean;
}

const KEY = /^("[^"]*"|'[^']*'|[^\s:#{}[\],][^:#{}[\],]*?)\s*:(?:\s|$)/;

function unquote(key: string): string {
  return /^["']/.test(key) ? key.slice(1, -1) : key;
}

function shapeOf(line: string): LineShape {
  let column = 0;
  const dashColumns: number[] = [];
  for (;;) {
    while (line[column] === ' ') column++;
    if (line[column] === '-' && (line[column + 1] === ' ' || column + 1 === line.length)) {
      dashColumns.push(column);
      column++;
      continue;
    }
    break;
  }
  const rest = line.slice(column);
  const blank = rest.trim() === '' || rest.startsWith('#');
  const match = KEY.exec(rest);
  return { keyColumn: column, dashColumns, key: match ? unquote(match[1]!.trim()) : undefined, blank };
}

/** Walks the lines above an offset from the nearest up, without splitting the whole text (big flows). */
function* linesAbove(text: string, lineStart: number): Generator<string> {
  let end = lineStart - 1;
  while (end >= 0) {
    const start = end === 0 ? 0 : text.lastIndexOf('\n', end - 1) + 1;
    yield text.slice(start, end);
    end = start - 1;
  }
}

/** The parents of a block-style position at `column`, from the lines above `lineStart`. */
function blockParents(text: string, lineStart: number, column: number, dashesOnLine: readonly number[]): string[] {
  const parents: string[] = [];
  let limit = column;
  // A list may sit at its key's column (`connections:` then `- from: A`): then the key is still a parent.
  let limitIsDash = false;
  const takeDashes = (dashes: readonly number[]): void => {
    for (const dash of [...dashes].reverse()) {
      if (dash < limit) {
        parents.unshift('[]');
        limit = dash;
        limitIsDash = true;
      }
    }
  };
  takeDashes(dashesOnLine);
  for (const line of linesAbove(text, lineStart)) {
    if (limit <= 0 && !limitIsDash) break;
    const shape = shapeOf(line);
    if (shape.blank && shape.dashColumns.length === 0) continue;
    const parentAtDash = limitIsDash && shape.dashColumns.length === 0 && shape.keyColumn === limit;
    if ((shape.keyColumn < limit || parentAtDash) && shape.key !== undefined) {
      parents.unshift(shape.key);
      limit = shape.keyColumn;
      limitIsDash = false;
    } else if (shape.keyColumn < limit && shape.dashColumns.length === 0) {
      // A scalar line at a lower indent (e.g. a multi-line value): it bounds what follows.
      limit = shape.keyColumn;
      limitIsDash = false;
    }
    takeDashes(shape.dashColumns);
  }
  return parents;
}

interface OpenBracket {
  readonly char: '{' | '[';
  readonly key: string | undefined;
  readonly contentStart: number;
}

/** Brackets still open at the end of `prefix` (quotes skipped), with the key each one is the value of. */
function openBrackets(prefix: string): OpenBracket[] {
  const stack: OpenBracket[] = [];
  let quote: string | undefined;
  for (let index = 0; index < prefix.length; index++) {
    const char = prefix[index]!;
    if (quote) {
      if (char === quote) quote = undefined;
      continue;
    }
    if (char === '"' || char === "'") quote = char;
    else if (char === '#' && (index === 0 || /\s/.test(prefix[index - 1]!))) break;
    else if (char === '{' || char === '[') {
      const before = prefix.slice(stack.length ? stack[stack.length - 1]!.contentStart : 0, index);
      const key = /([^\s{}[\],:]+)\s*:\s*$/.exec(before)?.[1];
      stack.push({ char, key: key ?? (stack[stack.length - 1]?.char === '[' ? '[]' : undefined), contentStart: index + 1 });
    } else if ((char === '}' || char === ']') && stack.length) stack.pop();
  }
  return stack;
}

export function cursorContext(text: string, offset: number): CursorContext {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const prefix = text.slice(lineStart, offset);
  const wordMatch = /[^\s:{}[\],"']*$/.exec(prefix);
  const word = wordMatch ? wordMatch[0] : '';
  const wordStart = offset - word.length;
  const shape = shapeOf(prefix);
  const brackets = openBrackets(prefix);

  if (brackets.length > 0) {
    // The line's own key (before the first bracket) is the outermost flow parent.
    const lineKeyColumn = shape.keyColumn;
    const parents = blockParents(text, lineStart, lineKeyColumn, shape.dashColumns);
    for (const bracket of brackets) if (bracket.key !== undefined) parents.push(bracket.key);
    const innermost = brackets[brackets.length - 1]!;
    const segment = prefix.slice(innermost.contentStart).split(',').pop() ?? '';
    const base = { wordStart, word, indent: lineKeyColumn + 2, inFlow: true };
    if (innermost.char === '[') {
      const key = parents.pop();
      return { ...base, path: parents, mode: 'value', key, inList: true };
    }
    const keyMatch = /^\s*("[^"]*"|'[^']*'|[^\s:]+)\s*:/.exec(segment);
    if (keyMatch) return { ...base, path: parents, mode: 'value', key: unquote(keyMatch[1]!), inList: false };
    return { ...base, path: parents, mode: 'key', inList: false };
  }

  const rest = prefix.slice(shape.keyColumn);
  const keyValue = /^("[^"]*"|'[^']*'|[^\s:#][^:#]*?)\s*:\s+(.*)$/.exec(rest);
  if (keyValue) {
    const parents = blockParents(text, lineStart, shape.keyColumn, shape.dashColumns);
    return {
      path: parents,
      mode: 'value',
      key: unquote(keyValue[1]!.trim()),
      inList: false,
      wordStart,
      word,
      indent: shape.keyColumn,
      inFlow: false,
    };
  }
  // Typing a key (or a list item): the column where it starts decides the parents.
  const column = prefix.length - rest.length;
  const parents = blockParents(text, lineStart, column, shape.dashColumns);
  const base = { wordStart, word, indent: column, inFlow: false };
  const listKey = parents[parents.length - 2];
  if (shape.dashColumns.length > 0 && parents[parents.length - 1] === '[]' && listKey !== undefined && SCALAR_LIST_KEYS.has(listKey)) {
    // `- ` under a key whose items are scalars (e.g. retryOn): offer its values.
    return { ...base, path: parents.slice(0, -2), mode: 'value', key: listKey, inList: true };
  }
  return { ...base, path: parents, mode: 'key', inList: false };
}

const SCALAR_LIST_KEYS = new Set(['retryOn', 'abortOn', 'brokers', 'delays', 'partitions', 'params', 'users', 'orgs', 'teams', 'key']);
