// FlowParseSession: parses successive versions of one flow file, re-reading only the chunks
// (top-level entries, components, connections) whose text changed since the previous version.
// The yaml nodes of unchanged chunks are reused with their ranges moved to their new offsets, and
// assembled into one document equal to what parsing the whole text gives. Anything the splitter or
// a chunk cannot take as-is (anchors, flow style at the top, any YAML error, duplicate keys) falls
// back to parsing the whole text, so diagnostics never depend on which path was taken.
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
}

export interface ParseSessionStats {
  /** Chunks parsed by the last `parse`. */
  readonly parsedChunks: number;
  readonly reusedChunks: number;
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
    const take = (span: ChunkSpan): ParsedChunk | undefined => {
      const source = text.slice(span.start, span.end);
      let chunk = previous.get(source)?.shift();
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
function assemble(entries: readonly TopEntry[], take: (span: ChunkSpan) => ParsedChunk | undefined): (ParsedNode & YAMLMap) | Fallback {
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
      for (const span of entry.split.items) {
        const chunk = take(span);
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
function emptyBeforeComments(text: string, nodes: readonly { range: Range }[]): boolean {
  const last = nodes[nodes.length - 1];
  if (!last || !isScalar(last) || last.value !== null) return false;
  return /\n[ ]*#/.test(text.slice(last.range[0]));
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
