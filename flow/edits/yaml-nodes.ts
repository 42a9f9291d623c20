// Finds the YAML nodes the builder edits (components map, a component's pair, connection items).
import { isMap, isScalar, isSeq, type Document, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';

export type Span = { readonly start: number; readonly end: number };

export function rootMap(document: Document.Parsed): YAMLMap | undefined {
  return isMap(document.contents) ? document.contents : undefined;
}

export function componentsMap(document: Document.Parsed): YAMLMap | undefined {
  const node = rootMap(document)?.get('components', true);
  return isMap(node) ? node : undefined;
}

export function connectionsSeq(document: Document.Parsed): YAMLSeq | undefined {
  const node = rootMap(document)?.get('connections', true);
  return isSeq(node) ? node : undefined;
}

export function pairNamed(map: YAMLMap, name: string): Pair | undefined {
  return (map.items as Pair[]).find((pair) => isScalar(pair.key) && String(pair.key.value) === name);
}

export function keySpan(pair: Pair): Span | undefined {
  const range = isScalar(pair.key) ? pair.key.range : undefined;
  return range ? { start: range[0], end: range[1] } : undefined;
}

/** From the key's start to the end of the value (excluding trailing blank lines and comments). */
export function pairSpan(pair: Pair): Span | undefined {
  const key = keySpan(pair);
  const value = (pair.value as { range?: [number, number, number] } | null)?.range;
  if (!key) return undefined;
  return { start: key.start, end: value ? value[1] : key.end };
}

export function nodeSpan(node: unknown): Span | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range ? { start: range[0], end: range[1] } : undefined;
}

export function isFlowCollection(node: unknown): boolean {
  return (isMap(node) || isSeq(node)) && node.flow === true;
}
