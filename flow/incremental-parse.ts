// FlowParseSession: parses successive versions of one flow file, re-reading only the chunks
// (top-level entries, components, connections) whose text changed since the previous version.
// The yaml nodes of unchanged chunks are reused with their ranges moved to their new offsets, and
// assembled into one document equal to what parsing the whole text gives. Anything the splitter or
// a chunk cannot take as-is (anchors, flow style at the top, any YAML error, duplicate keys) falls
// back to parsing the whole text, so diagnostics never depend on which path was taken. With nothing to
// reuse (the first version), the whole text is parsed once and its nodes become the chunks.
import { Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, Pair, parseDocument, YAMLMap, YAMLSeq, type ParsedNode, type Range } from 'yaml';
import { completeParse, countLines, parseFlow, YAML_PARSE_OPTIONS, type ParsedFlow } from './parse';
import { excessiveNesting } from './yaml-problems';
import { splitFlowText, type ChunkSpan, type TopEntry } from './yaml-chunks';
import { eachNode } from './yaml-path';

/** One chunk's parse: its contents and the offset its node ranges currently point at. */
interface ParsedChunk {
  readonly contents: ParsedNode | null;
  /** Node ranges are `offset` past the chunk's own text start. */
  offset: number;
  /** Every node with a range, for moving them (collected once). */
  readonly nodes: readonly { range: Range }[];
  /** The chunk parsed with errors or warnings, or holds an alias: it cannot be composed. */
  readonly unusable: boolean;
  /**
   * Taken from a whole-text parse where another entry came after it: where its own block would end
   * is not known, so it is parsed alone when it becomes the last entry of its collection.
   */
  readonly endUnknown?: boolean;
}

export interface ParseSessionStats {
  /** Chunks parsed by the last `parse`. */
  readonly parsedChunks: number;
  readonly reusedChunks: number;
  /** The last `parse` had nothing to reuse: it parsed the whole text once and kept its nodes as the chunks. */
  readonly seeded?: boolean;
  /** Why the last `parse` read the whole text instead of composing chunks; undefined when it composed them. */
  readonly fallback?: 'layout' | 'chunk' | 'shape' | 'duplicate-key' | 'too-deep';
}

type Fallback = NonNullable<ParseSessionStats['fallback']>;

export class FlowParseSession {
  /** The previous version's chunks by text; identical texts queue up in document order. */
  private chunks = new Map<string, ParsedChunk[]>();
  private last: ParsedFlow | undefined;
  private stats: ParseSessionStats = { parsedChunks: 0, reusedChunks: 0 };

  /**
   * The parse of `text`. Node ranges of a previous result may be moved by the next call: use the
   * latest result only.
   */
  parse(text: string): ParsedFlow {
    if (this.last?.text === text) return this.last;
    if (this.chunks.size === 0) return (this.last = this.seed(text));
    const result = this.compose(text);
    this.last = typeof result === 'string' ? this.whole(text, result) : result;
    return this.last;
  }

  get lastStats(): ParseSessionStats {
    return this.stats;
  }

  private whole(text: string, fallback: Fallback): ParsedFlow {
    this.stats = { ...this.stats, fallback };
    return parseFlow(text);
  }

  /** One parse of the whole text, whose nodes are kept as the chunks for the next version (none when it cannot be split). */
  private seed(text: string): ParsedFlow {
    const parsed = parseFlow(text);
    this.chunks = chunksOf(text, parsed) ?? new Map();
    this.stats = { parsedChunks: 0, reusedChunks: 0, seeded: true };
    return parsed;
  }

  /** The composed parse, or why it could not be composed. */
  private compose(text: string): ParsedFlow | Fallback {
    this.stats = { parsedChunks: 0, reusedChunks: 0 };
    const tooDeep = excessiveNesting(text);
    if (tooDeep !== undefined) return 'too-deep';
    const entries = splitFlowText(text);
    if (!entries) return 'layout';
    const previous = this.chunks;
    const next = new Map<string, ParsedChunk[]>();
    let parsed = 0;
    let reused = 0;
    const take = (span: ChunkSpan, last = false): ParsedChunk | undefined => {
      const source = text.slice(span.start, span.end);
      let chunk = previous.get(source)?.shift();
      if (chunk && last && chunk.endUnknown) chunk = undefined;
      if (chunk) reused++;
      else {
        chunk = parseChunk(source);
        parsed++;
      }
      const queue = next.get(source);
      if (queue) queue.push(chunk);
      else next.set(source, [chunk]);
      if (chunk.unusable) return undefined;
      moveChunk(chunk, span.start);
      return chunk;
    };
    const root = assemble(entries, take);
    // When this version falls back, keep the chunks it did not get to as well: the next edit can reuse them.
    if (typeof root === 'string') for (const [source, queue] of previous) if (queue.length > 0 && !next.has(source)) next.set(source, queue);
    this.chunks = next;
    this.stats = { parsedChunks: parsed, reusedChunks: reused };
    if (typeof root === 'string') return root;
    const document = parseDocument('', YAML_PARSE_OPTIONS) as Document.Parsed;
    document.contents = root as Document.Parsed['contents'];
    document.range = [root.range[0], root.range[1], text.length];
    return completeParse(text, document, countLines(text, new LineCounter()));
  }
}

/** The root map built from the chunks, or why some chunk does not fit its place. */
function assemble(entries: readonly TopEntry[], take: (span: ChunkSpan, last?: boolean) => ParsedChunk | undefined): (ParsedNode & YAMLMap) | Fallback {
  const root = new YAMLMap<ParsedNode, ParsedNode | null>();
  const keys = new Set<unknown>();
  let first: Range | undefined;
  let last: Range | undefined;
  for (const entry of entries) {
    if (!entry.split) {
      const chunk = take(entry.span);
      if (!chunk) return 'chunk';
      const pair = singlePair(chunk);
      if (!pair) return 'shape';
      root.items.push(pair);
    } else {
      const headerChunk = take(entry.split.header);
      if (!headerChunk) return 'chunk';
      const header = singlePair(headerChunk);
      if (!header || !isScalar(header.value) || header.value.value !== null) return 'shape';
      const collection = entry.split.kind === 'map' ? new YAMLMap<ParsedNode, ParsedNode | null>() : new YAMLSeq<ParsedNode>();
      const names = new Set<unknown>();
      let firstRange: Range | undefined;
      let lastRange: Range | undefined;
      for (const [index, span] of entry.split.items.entries()) {
        // The collection ends where its last entry's block ends: that chunk's own end must be known.
        const chunk = take(span, index === entry.split.items.length - 1);
        if (!chunk) return 'chunk';
        const contents = chunk.contents;
        if (!(entry.split.kind === 'map' ? isMap(contents) : isSeq(contents))) return 'shape';
        const block = contents as (YAMLMap | YAMLSeq) & { range: Range };
        if (block.flow || block.items.length !== 1) return 'shape';
        const item = block.items[0]!;
        if (isPair(item)) {
          // A duplicate component name: the whole-text parse reports it.
          if (names.has(keyOf(item))) return 'duplicate-key';
          names.add(keyOf(item));
        }
        (collection.items as unknown[]).push(item);
        firstRange ??= block.range;
        lastRange = block.range;
      }
      collection.range = [firstRange![0], lastRange![1], lastRange![2]];
      // A new pair: the header chunk keeps its own (null) value for the next version to reuse.
      root.items.push(new Pair(header.key, collection as unknown as ParsedNode) as (typeof root.items)[number]);
    }
    const pair = root.items[root.items.length - 1]!;
    if (keys.has(keyOf(pair))) return 'duplicate-key';
    keys.add(keyOf(pair));
    const keyRange = (pair.key as { range: Range }).range;
    const valueRange = (pair.value as { range?: Range } | null)?.range ?? keyRange;
    first ??= keyRange;
    last = valueRange;
  }
  if (!first || !last) return 'shape';
  // As the yaml composer does: a block map ends where its last value's node (comments included) ends.
  root.range = [first[0], last[2], last[2]];
  return root as ParsedNode & YAMLMap;
}

/** What makes two keys the same key: a scalar's value, or the node itself. */
function keyOf(pair: Pair): unknown {
  return isScalar(pair.key) ? pair.key.value : pair.key;
}

function singlePair(chunk: ParsedChunk): (YAMLMap<ParsedNode, ParsedNode | null>['items'][number]) | undefined {
  const contents = chunk.contents;
  if (!contents || !isMap(contents) || contents.flow || contents.items.length !== 1) return undefined;
  return contents.items[0] as YAMLMap<ParsedNode, ParsedNode | null>['items'][number];
}

function parseChunk(text: string): ParsedChunk {
  const document = parseDocument(text, YAML_PARSE_OPTIONS);
  const nodes: { range: Range }[] = [];
  let alias = false;
  eachNode(document.contents, (node) => {
    if (isAlias(node) || node.anchor) alias = true;
    if (node.range) nodes.push(node as { range: Range });
  });
  const unusable = alias || document.errors.length > 0 || document.warnings.length > 0 || document.directives.docStart || emptyBeforeComments(text, nodes);
  return { contents: document.contents, offset: 0, nodes, unusable: Boolean(unusable) };
}

/**
 * An empty value at the end of a chunk followed by comment lines: alone, its node takes in those
 * comments differently than within the whole text. Rare enough to leave to the whole-text parse.
 */
function emptyBeforeComments(text: string, nodes: readonly { range: Range }[], offset = 0): boolean {
  const last = nodes[nodes.length - 1];
  if (!last || !isScalar(last) || last.value !== null) return false;
  return /\n[ ]*#/.test(text.slice(last.range[0] - offset));
}

function moveChunk(chunk: ParsedChunk, offset: number): void {
  const delta = offset - chunk.offset;
  if (delta === 0) return;
  for (const { range } of chunk.nodes) {
    range[0] += delta;
    range[1] += delta;
    range[2] += delta;
  }
  chunk.offset = offset;
}

/**
 * The chunks of a whole-text parse, as parsing each chunk alone would give them (the nodes are the
 * whole parse's, at offsets of the text); undefined when the text does not split into them.
 */
function chunksOf(text: string, parsed: ParsedFlow): Map<string, ParsedChunk[]> | undefined {
  const { document } = parsed;
  if (parsed.yamlDiagnostics.length > 0 || document.errors.length > 0 || document.warnings.length > 0 || document.directives.docStart) return undefined;
  const root = document.contents;
  const entries = splitFlowText(text);
  if (!entries || !isMap(root) || root.flow || root.items.length !== entries.length) return undefined;
  const chunks = new Map<string, ParsedChunk[]>();
  const keep = (span: ChunkSpan, contents: YAMLMap | YAMLSeq, endUnknown = false): void => {
    const source = text.slice(span.start, span.end);
    const nodes: { range: Range }[] = [];
    let alias = false;
    eachNode(contents, (node) => {
      if (isAlias(node) || node.anchor) alias = true;
      if (node.range) nodes.push(node as { range: Range });
    });
    const chunk: ParsedChunk = { contents: contents as ParsedNode, offset: span.start, nodes, unusable: alias || emptyBeforeComments(source, nodes, span.start), endUnknown };
    const queue = chunks.get(source);
    if (queue) queue.push(chunk);
    else chunks.set(source, [chunk]);
  };
  for (const [index, entry] of entries.entries()) {
    const pair = root.items[index]!;
    const key = pair.key as ParsedNode | null;
    if (!key?.range || key.range[0] < entry.span.start || key.range[0] >= entry.span.end) return undefined;
    if (!entry.split) {
      keep(entry.span, block(new YAMLMap(), pair, [key.range[0], key.range[1], key.range[2]]));
      continue;
    }
    const collection = pair.value as ParsedNode | null;
    const kind = entry.split.kind;
    if (!collection || !(kind === 'map' ? isMap(collection) : isSeq(collection)) || (collection as YAMLMap | YAMLSeq).flow) return undefined;
    const items = (collection as YAMLMap | YAMLSeq).items as unknown[];
    if (items.length !== entry.split.items.length) return undefined;
    // The header line alone reads as its key with an empty value (which a later version may keep): parsed alone, it is one line.
    const header = text.slice(entry.split.header.start, entry.split.header.end);
    const headerChunk = parseChunk(header);
    const queue = chunks.get(header);
    if (queue) queue.push(headerChunk);
    else chunks.set(header, [headerChunk]);
    for (const [i, span] of entry.split.items.entries()) {
      const first = i === 0;
      const last = i === items.length - 1;
      // A block starts at its entry's key or dash (the splitter starts later entries on that line); the whole collection's range gives the first start and the last end.
      const start = first ? collection.range[0] : span.start + indentAt(text, span.start);
      const range: Range = last ? [start, collection.range[1], collection.range[2]] : [start, start, start];
      keep(span, block(kind === 'map' ? new YAMLMap() : new YAMLSeq(), items[i], range), !last);
    }
  }
  return chunks;
}

/** A block collection holding one entry, as a chunk's own parse gives it. */
function block<T extends YAMLMap | YAMLSeq>(collection: T, item: unknown, range: Range): T {
  (collection.items as unknown[]).push(item);
  collection.range = range;
  return collection;
}

function indentAt(text: string, offset: number): number {
  let i = offset;
  while (text.charCodeAt(i) === 32) i++;
  return i - offset;
}
