// Finds the YAML node (and its key) at a path of plain keys and indexes, in linear time per step; walks every node.
import { isAlias, isMap, isNode, isPair, isScalar, isSeq, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import type { TextSpan } from './model';

export interface NodeAtPath {
  readonly node: Node | undefined;
  /** The pair holding `node` when its parent is a map. */
  readonly pair: Pair | undefined;
}

const pairIndex = new WeakMap<YAMLMap, Map<string, Pair>>();

/** The first pair of `map` with the key `key` (duplicate keys: the first wins, as in the model). */
function pairOf(map: YAMLMap, key: string): Pair | undefined {
  let index = pairIndex.get(map);
  if (!index) {
    index = new Map();
    for (const item of map.items as Pair[]) {
      const k = isScalar(item.key) ? String(item.key.value) : undefined;
      if (k !== undefined && !index.has(k)) index.set(k, item);
    }
    pairIndex.set(map, index);
  }
  return index.get(key);
}

export function nodeAtPath(document: Document.Parsed, path: readonly (string | number)[]): NodeAtPath {
  let node: unknown = document.contents;
  let pair: Pair | undefined;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(document);
    if (isMap(node)) {
      pair = pairOf(node, String(segment));
      node = pair?.value;
    } else if (isSeq(node)) {
      pair = undefined;
      node = node.items[Number(segment)];
    } else {
      return { node: undefined, pair: undefined };
    }
    if (node === undefined) return { node: undefined, pair };
  }
  return { node: (node ?? undefined) as Node | undefined, pair };
}

export function nodeSpan(node: unknown): TextSpan | undefined {
  const range = (node as { range?: [number, number, number] | null } | null | undefined)?.range;
  return range ? { start: range[0], end: range[1] } : undefined;
}

/** The span of the key at `path` if it has one, else of its value. */
export function keySpanAt(document: Document.Parsed, path: readonly (string | number)[]): TextSpan | undefined {
  const { node, pair } = nodeAtPath(document, path);
  return nodeSpan(pair?.key) ?? nodeSpan(node);
}

/** The span of the value at `path`, else of its key (an empty value has no node). */
export function valueSpanAt(document: Document.Parsed, path: readonly (string | number)[]): TextSpan | undefined {
  const { node, pair } = nodeAtPath(document, path);
  return nodeSpan(node) ?? nodeSpan(pair?.key);
}

/** Decodes a JSON pointer (`/components/A~1B/retry`) to its segments. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * Calls `use` on every node under `root` (collections, scalars, aliases), parents first and keys
 * before values. A plain recursion: the yaml package's `visit` costs several times more on large flows.
 */
export function eachNode(root: unknown, use: (node: Node) => void): void {
  if (isPair(root)) {
    eachNode(root.key, use);
    eachNode(root.value, use);
    return;
  }
  if (!isNode(root)) return;
  use(root);
  if (isMap(root) || isSeq(root)) for (const item of root.items as unknown[]) eachNode(item, use);
}
