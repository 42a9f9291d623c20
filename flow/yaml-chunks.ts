// Splits a flow file into independently parseable chunks: one per top-level entry, and one per
// component and per connection. Pure text scanning; undefined when the layout is not the plain
// block style this can split safely (the caller then parses the whole text).

/** A half-open range of the text: [start, end). */
export interface ChunkSpan {
  readonly start: number;
  readonly end: number;
}

/** `components:` / `connections:` written as a block whose entries can each be parsed alone. */
export interface SplitEntry {
  readonly kind: 'map' | 'seq';
  /** The `components:` line. */
  readonly header: ChunkSpan;
  readonly items: readonly ChunkSpan[];
}

export interface TopEntry {
  readonly span: ChunkSpan;
  readonly split?: SplitEntry;
}

const SPLIT_KEYS: Readonly<Record<string, SplitEntry['kind']>> = { components: 'map', connections: 'seq' };
/** Characters that start a top-level line this splitter does not handle: directives, markers, complex keys, anchors, tags, flow collections, block scalars. */
const UNSPLITTABLE_START = new Set(['%', '?', '&', '*', '!', '[', '{', '|', '>', '@', '`', ']', '}']);
const HEADER = /^([A-Za-z_][A-Za-z0-9_-]*)[ ]*:[ ]*(#.*)?\r?$/;

interface Line {
  readonly start: number;
  readonly end: number;
  /** Leading spaces; -1 for a blank or comment-only line. */
  readonly indent: number;
}

export function splitFlowText(text: string): TopEntry[] | undefined {
  const lines = scanLines(text);
  if (!lines) return undefined;
  const tops: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.indent !== 0) continue;
    const first = text[line.start]!;
    if (isSequenceDash(text, line.start)) continue; // an indentless sequence under the previous key
    if (UNSPLITTABLE_START.has(first) || text.startsWith('---', line.start) || text.startsWith('...', line.start)) return undefined;
    tops.push(i);
  }
  if (tops.length === 0) return undefined;
  const entries: TopEntry[] = [];
  for (let t = 0; t < tops.length; t++) {
    const firstLine = tops[t]!;
    const lastLine = (tops[t + 1] ?? lines.length) - 1;
    const span = { start: t === 0 ? 0 : lines[firstLine]!.start, end: t + 1 < tops.length ? lines[tops[t + 1]!]!.start : text.length };
    const header = HEADER.exec(text.slice(lines[firstLine]!.start, lines[firstLine]!.end));
    const kind = header ? SPLIT_KEYS[header[1]!] : undefined;
    const split = kind ? splitEntry(text, lines, kind, span, firstLine, lastLine) : undefined;
    entries.push(split ? { span, split } : { span });
  }
  return entries;
}

/** The entries of a block collection, each from its first line to the next one's. */
function splitEntry(text: string, lines: readonly Line[], kind: SplitEntry['kind'], span: ChunkSpan, headerLine: number, lastLine: number): SplitEntry | undefined {
  let itemIndent = -1;
  const starts: number[] = [];
  for (let i = headerLine + 1; i <= lastLine; i++) {
    const line = lines[i]!;
    if (line.indent < 0) continue;
    if (itemIndent < 0) itemIndent = line.indent;
    if (line.indent < itemIndent) return undefined;
    if (line.indent > itemIndent) continue;
    const dash = isSequenceDash(text, line.start + line.indent);
    if (dash !== (kind === 'seq')) return undefined;
    starts.push(i);
  }
  if (starts.length === 0 || (kind === 'map' && itemIndent === 0)) return undefined;
  // The header is its line alone: comments before the first entry go with that entry.
  const headerEnd = lines[headerLine + 1]!.start;
  const items = starts.map((line, index) => ({
    start: index === 0 ? headerEnd : lines[line]!.start,
    end: index + 1 < starts.length ? lines[starts[index + 1]!]!.start : span.end,
  }));
  return { kind, header: { start: span.start, end: headerEnd }, items };
}

function isSequenceDash(text: string, offset: number): boolean {
  if (text[offset] !== '-') return false;
  const next = text[offset + 1];
  return next === undefined || next === ' ' || next === '\n' || next === '\r';
}

/** Lines with their indentation; undefined when a tab or a lone CR makes indentation ambiguous. */
function scanLines(text: string): Line[] | undefined {
  const lines: Line[] = [];
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let i = start;
    while (text.charCodeAt(i) === 32) i++;
    const c = text[i];
    if (c === '\t') return undefined;
    const blank = i >= end || c === '#' || (c === '\r' && i === end - 1);
    lines.push({ start, end, indent: blank ? -1 : i - start });
    start = end + 1;
  }
  // A CR not followed by LF is a line break to YAML but not to this scanner.
  if (/\r(?!\n)/.test(text)) return undefined;
  return lines;
}
