// Visual-builder edits on connections: connect two components, remove one, follow renames.
import { isMap, isScalar, type Document, type YAMLMap } from 'yaml';
import { reaches } from '../graph';
import { inferKind } from '../component-types';
import { componentByName } from '../model';
import { parseFlow } from '../parse';
import { accept, lineEndInclusive, lineStart, newlineOf, refuse, type FlowEditResult, type OffsetEdit } from './text-edit';
import { connectionsSeq, nodeSpan, pairNamed, rootMap } from './yaml-nodes';
import { scalarText } from './yaml-scalars';

/** Why two components cannot be connected, or undefined when they can. */
export function connectionRefusal(text: string, from: string, to: string): string | undefined {
  const { model } = parseFlow(text);
  const source = componentByName(model, from);
  const target = componentByName(model, to);
  if (!source) return `no component named "${from}"`;
  if (!target) return `no component named "${to}"`;
  if (from === to) return `a component cannot be connected to itself`;
  if (model.connections.some((c) => c.from === from && c.to === to)) return `"${from}" is already connected to "${to}"`;
  if (!inferKind(source.type, target.type)) {
    return `a ${source.type ?? 'untyped'} component cannot feed a ${target.type ?? 'untyped'} component`;
  }
  if (reaches(model.connections.flatMap((c) => (c.from !== undefined && c.to !== undefined ? [[c.from, c.to] as const] : [])), to, from)) return `connecting "${from}" to "${to}" would make a cycle`;
  return undefined;
}

export function addConnection(text: string, from: string, to: string): FlowEditResult {
  const refusal = connectionRefusal(text, from, to);
  if (refusal) return refuse(refusal);
  const { document } = parseFlow(text);
  const nl = newlineOf(text);
  const seq = connectionsSeq(document);
  const pair = `from: ${scalarText(from)}`;
  const target = `to: ${scalarText(to)}`;
  // An empty `connections: []` becomes a block list below (as a person would write the first one).
  if (seq && seq.flow && seq.items.length > 0) {
    const span = nodeSpan(seq);
    if (!span) return refuse('the connections list has no position');
    const lastItem = nodeSpan(seq.items[seq.items.length - 1]);
    const at = lastItem ? lastItem.end : text.lastIndexOf(']', span.end);
    return accept([{ start: at, end: at, newText: `${lastItem ? ', ' : ''}{ ${pair}, ${target} }` }]);
  }
  if (seq && seq.items.length > 0) {
    const last = seq.items[seq.items.length - 1];
    const lastSpan = nodeSpan(last);
    if (!lastSpan) return refuse('the connections list has no position');
    // New items copy the last item's dash column; block items indent their keys two past it.
    const lastLine = text.slice(lineStart(text, lastSpan.start), lastSpan.start);
    const dash = ' '.repeat(Math.max(0, lastLine.lastIndexOf('-')));
    const item = isMap(last) && last.flow
      ? `${dash}- { ${pair}, ${target} }${nl}`
      : `${dash}- ${pair}${nl}${dash}  ${target}${nl}`;
    const at = lineEndInclusive(text, Math.max(lastSpan.start, lastSpan.end - 1));
    const lead = at === text.length && !text.endsWith('\n') ? nl : '';
    return accept([{ start: at, end: at, newText: lead + item }]);
  }
  const block = `connections:${nl}  - ${pair}${nl}    ${target}${nl}`;
  const root = rootMap(document);
  const keyPair = root ? pairNamed(root, 'connections') : undefined;
  const keyRange = keyPair && isScalar(keyPair.key) ? keyPair.key.range : undefined;
  if (keyRange) {
    return accept([{ start: keyRange[0], end: lineEndInclusive(text, keyRange[1]), newText: block }]);
  }
  const lead = text.length === 0 || text.endsWith('\n') ? '' : nl;
  return accept([{ start: text.length, end: text.length, newText: lead + block }]);
}

function itemRemoval(text: string, document: Document.Parsed, index: number): OffsetEdit | undefined {
  const seq = connectionsSeq(document);
  const item = seq?.items[index];
  const span = nodeSpan(item);
  if (!seq || !span) return undefined;
  if (seq.flow) {
    const next = nodeSpan(seq.items[index + 1]);
    if (next) return { start: span.start, end: next.start, newText: '' };
    const previous = nodeSpan(seq.items[index - 1]);
    return { start: previous ? previous.end : span.start, end: span.end, newText: '' };
  }
  return { start: lineStart(text, span.start), end: lineEndInclusive(text, Math.max(span.start, span.end - 1)), newText: '' };
}

export function removeConnection(text: string, index: number): FlowEditResult {
  const { document } = parseFlow(text);
  const edit = itemRemoval(text, document, index);
  return edit ? accept([edit]) : refuse(`there is no connection number ${index + 1}`);
}

/** Removals of every connection that starts or ends at a component. */
export function removeConnectionsOf(text: string, document: Document.Parsed, name: string): OffsetEdit[] {
  const seq = connectionsSeq(document);
  if (!seq) return [];
  const edits: OffsetEdit[] = [];
  seq.items.forEach((item, index) => {
    if (!isMap(item)) return;
    if (item.get('from') === name || item.get('to') === name) {
      const edit = itemRemoval(text, document, index);
      if (edit) edits.push(edit);
    }
  });
  return mergeAdjacent(edits);
}

/** Flow-sequence removals of neighbours may touch; merge them so edits never overlap. */
function mergeAdjacent(edits: OffsetEdit[]): OffsetEdit[] {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  const merged: OffsetEdit[] = [];
  for (const edit of sorted) {
    const last = merged[merged.length - 1];
    if (last && edit.start <= last.end) merged[merged.length - 1] = { start: last.start, end: Math.max(last.end, edit.end), newText: '' };
    else merged.push(edit);
  }
  return merged;
}

/** Where every `from`/`to` naming `name` is written (the whole scalar, quotes included). */
export function connectionReferenceSpans(document: Document.Parsed, name: string): { readonly start: number; readonly end: number }[] {
  const seq = connectionsSeq(document);
  const edits: { start: number; end: number }[] = [];
  for (const item of seq?.items ?? []) {
    if (!isMap(item)) continue;
    for (const end of ['from', 'to']) {
      const node = (item as YAMLMap).get(end, true);
      if (isScalar(node) && String(node.value) === name && node.range) {
        edits.push({ start: node.range[0], end: node.range[1] });
      }
    }
  }
  return edits;
}

