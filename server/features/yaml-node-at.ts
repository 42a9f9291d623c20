// Finds the YAML node under an offset and its path from the root (keys and list indexes).
import { isMap, isPair, isScalar, isSeq, type Document, type Node, type Pair } from 'yaml';

export type YamlPath = readonly (string | number)[];

export interface NodeAtOffset {
  /** The path of the mapping or list holding what is under the offset. */
  readonly path: YamlPath;
  /** 'key' on a mapping key, 'value' on a scalar value, 'inside' elsewhere in a collection. */
  readonly on: 'key' | 'value' | 'inside';
  readonly pair?: Pair;
  /** The scalar under the offset, if any. */
  readonly scalar?: Node;
}

const within = (node: unknown, offset: number): boolean => {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return !!range && offset >= range[0] && offset <= range[1];
};

export function nodeAt(document: Document.Parsed, offset: number): NodeAtOffset | undefined {
  let node: unknown = document.contents;
  if (!within(node, offset)) return undefined;
  const path: (string | number)[] = [];
  for (let depth = 0; depth < 200; depth++) {
    if (isMap(node)) {
      const pair = (node.items as Pair[]).find((item) => within(item.key, offset) || within(item.value, offset));
      if (!pair) return { path, on: 'inside' };
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (within(pair.key, offset)) return { path, on: 'key', pair, scalar: pair.key as Node };
      if (isScalar(pair.value)) return { path: [...path, key], on: 'value', pair, scalar: pair.value };
      path.push(key);
      node = pair.value;
      continue;
    }
    if (isSeq(node)) {
      const index = node.items.findIndex((item) => within(item, offset));
      if (index < 0) return { path, on: 'inside' };
      const item = node.items[index];
      if (isScalar(item)) return { path: [...path, index], on: 'value', scalar: item };
      path.push(index);
      node = isPair(item) ? item.value : item;
      continue;
    }
    return { path, on: 'inside' };
  }
  return { path, on: 'inside' };
}
