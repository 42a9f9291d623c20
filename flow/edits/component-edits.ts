// Visual-builder edits on components: add, remove, rename, set a field; minimal, formatting-preserving.
import { isMap, isScalar, isSeq, type Pair, type YAMLMap } from 'yaml';
import { parseFlow } from '../parse';
import { connectionReferenceSpans, removeConnectionsOf } from './connection-edits';
import { accept, columnOf, lineEndInclusive, lineStart, newlineOf, refuse, type FlowEditResult, type OffsetEdit } from './text-edit';
import { componentsMap, isFlowCollection, keySpan, nodeSpan, pairNamed, pairSpan, rootMap } from './yaml-nodes';
import { COMPONENT_NAME_PATTERN, scalarText, valueText, type EditableValue } from './yaml-scalars';

export interface NewComponent {
  readonly name: string;
  readonly type: string;
  /** Fields after `type`, in the order given (required ones with placeholders). */
  readonly fields: ReadonlyArray<readonly [string, EditableValue]>;
}

function checkName(text: string, name: string): string | undefined {
  if (!COMPONENT_NAME_PATTERN.test(name)) {
    return `"${name}" is not a valid component name: use letters, digits, '_', '.' or '-', starting with a letter`;
  }
  const map = componentsMap(parseFlow(text).document);
  if (map && pairNamed(map, name)) return `a component named "${name}" already exists`;
  return undefined;
}

/** Indentation used by the entries of a block map (or `fallback` when it has none). */
function entryIndent(text: string, map: YAMLMap | undefined, fallback: number): number {
  const first = map ? (map.items as Pair[]).map(keySpan).find((s) => s !== undefined) : undefined;
  return first ? columnOf(text, first.start) : fallback;
}

/** Indentation step inside a component (from an existing block component, else 2). */
function fieldStep(text: string, map: YAMLMap | undefined): number {
  for (const pair of (map?.items ?? []) as Pair[]) {
    if (isMap(pair.value) && !pair.value.flow && pair.value.items.length > 0) {
      const inner = keySpan(pair.value.items[0] as Pair);
      const outer = keySpan(pair);
      if (inner && outer) return columnOf(text, inner.start) - columnOf(text, outer.start);
    }
  }
  return 2;
}

export function addComponent(text: string, component: NewComponent): FlowEditResult {
  const problem = checkName(text, component.name);
  if (problem) return refuse(problem);
  const { document } = parseFlow(text);
  const nl = newlineOf(text);
  const map = componentsMap(document);
  const fields: Array<readonly [string, EditableValue]> = [['type', component.type], ...component.fields];
  if (map && map.flow && map.items.length > 0) {
    const span = nodeSpan(map);
    if (!span) return refuse('the components map has no position');
    const inner = fields.map(([k, v]) => `${k}: ${valueText(v)}`).join(', ');
    const entry = `${scalarText(component.name)}: { ${inner} }`;
    return accept([insertIntoFlowMap(text, map, span, entry)]);
  }
  const indent = entryIndent(text, map, 2);
  const step = fieldStep(text, map);
  const pad = ' '.repeat(indent);
  const body = fields.map(([k, v]) => `${pad}${' '.repeat(step)}${k}: ${valueText(v)}${nl}`).join('');
  const block = `${pad}${scalarText(component.name)}:${nl}${body}`;
  if (map && !map.flow) {
    const span = nodeSpan(map);
    if (!span) return refuse('the components map has no position');
    const at = lineEndInclusive(text, Math.max(span.start, span.end - 1));
    const lead = at === text.length && !text.endsWith('\n') ? nl : '';
    return accept([{ start: at, end: at, newText: lead + block }]);
  }
  const root = rootMap(document);
  const existing = root?.get('components', true);
  if (root && existing !== undefined) {
    // `components:` written with nothing (or a non-map) after it: replace that value.
    const pair = pairNamed(root, 'components');
    const key = pair ? keySpan(pair) : undefined;
    if (!key) return refuse('cannot find the `components:` key');
    const end = lineEndInclusive(text, key.end);
    return accept([{ start: key.start, end, newText: `components:${nl}${block}` }]);
  }
  const lead = text.length === 0 || text.endsWith('\n') ? '' : nl;
  return accept([{ start: text.length, end: text.length, newText: `${lead}components:${nl}${block}` }]);
}

/** After the last entry of a flow map (`, entry`), or inside an empty one (`{ entry }`). */
function insertIntoFlowMap(text: string, map: YAMLMap, span: { start: number; end: number }, entry: string): OffsetEdit {
  const last = map.items[map.items.length - 1] as Pair | undefined;
  const lastEnd = last ? pairSpan(last)?.end : undefined;
  if (lastEnd !== undefined) return { start: lastEnd, end: lastEnd, newText: `, ${entry}` };
  const close = text.lastIndexOf('}', span.end);
  return { start: span.start, end: close + 1, newText: `{ ${entry} }` };
}

export function removeComponent(text: string, name: string): FlowEditResult {
  const { document } = parseFlow(text);
  const map = componentsMap(document);
  const pair = map ? pairNamed(map, name) : undefined;
  const span = pair ? pairSpan(pair) : undefined;
  if (!map || !pair || !span) return refuse(`no component named "${name}"`);
  const edits: OffsetEdit[] = [removalOf(text, map, pair, span)];
  edits.push(...removeConnectionsOf(text, document, name));
  return accept(edits);
}

function removalOf(text: string, map: YAMLMap, pair: Pair, span: { start: number; end: number }): OffsetEdit {
  if (map.flow) {
    const index = map.items.indexOf(pair);
    const next = map.items[index + 1] as Pair | undefined;
    const nextKey = next ? keySpan(next) : undefined;
    if (nextKey) return { start: span.start, end: nextKey.start, newText: '' };
    const previous = map.items[index - 1] as Pair | undefined;
    const previousEnd = previous ? pairSpan(previous)?.end : undefined;
    return { start: previousEnd ?? span.start, end: span.end, newText: '' };
  }
  return { start: lineStart(text, span.start), end: lineEndInclusive(text, Math.max(span.start, span.end - 1)), newText: '' };
}

export function renameComponent(text: string, from: string, to: string): FlowEditResult {
  if (from === to) return accept([]);
  const problem = checkName(text, to);
  if (problem) return refuse(problem);
  const { document } = parseFlow(text);
  const map = componentsMap(document);
  const pair = map ? pairNamed(map, from) : undefined;
  const key = pair ? keySpan(pair) : undefined;
  if (!key) return refuse(`no component named "${from}"`);
  return accept([renamedName(text, key.start, key.end, to), ...connectionReferenceSpans(document, from).map((span) => renamedName(text, span.start, span.end, to))]);
}

/** A written name replaced by a valid (plain) one, inside its quotes when it was quoted, so the writing style stays. */
function renamedName(text: string, start: number, end: number, name: string): OffsetEdit {
  const quote = text[start];
  if ((quote === '"' || quote === "'") && text[end - 1] === quote && end - start >= 2) return { start: start + 1, end: end - 1, newText: name };
  return { start, end, newText: scalarText(name) };
}

/** Sets (or, with `undefined`, removes) one field of a component, leaving every other byte alone. */
export function setComponentField(text: string, name: string, field: string, value: EditableValue | undefined): FlowEditResult {
  const { document } = parseFlow(text);
  const map = componentsMap(document);
  const pair = map ? pairNamed(map, name) : undefined;
  if (!pair || !isMap(pair.value)) return refuse(`no component named "${name}"`);
  const body = pair.value;
  const existing = pairNamed(body, field);
  if (existing) {
    const span = pairSpan(existing);
    const valueSpan = nodeSpan(existing.value);
    if (!span) return refuse(`cannot find \`${field}\` of "${name}"`);
    if (value === undefined) return accept([removalOf(text, body, existing, span)]);
    if (!valueSpan || !(isScalar(existing.value) || (isSeq(existing.value) && existing.value.flow))) {
      return refuse(`\`${field}\` of "${name}" is not a single value; edit it in the text`);
    }
    return accept([{ start: valueSpan.start, end: valueSpan.end, newText: valueText(value) }]);
  }
  if (value === undefined) return accept([]);
  const line = `${field}: ${valueText(value)}`;
  const bodySpan = nodeSpan(body);
  if (!bodySpan) return refuse(`cannot find "${name}"`);
  if (isFlowCollection(body)) {
    return accept([insertIntoFlowMap(text, body, bodySpan, line)]);
  }
  const firstKey = keySpan(body.items[0] as Pair);
  const indent = firstKey ? columnOf(text, firstKey.start) : 4;
  const at = lineEndInclusive(text, Math.max(bodySpan.start, bodySpan.end - 1));
  const nl = newlineOf(text);
  const lead = at === text.length && !text.endsWith('\n') ? nl : '';
  return accept([{ start: at, end: at, newText: `${lead}${' '.repeat(indent)}${line}${nl}` }]);
}
