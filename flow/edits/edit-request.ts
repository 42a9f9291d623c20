// Turns the builder's edit request into minimal text edits on the current flow text (or a refusal).
import type { BuilderValue, EditRequest } from '../../protocol/webview-messages';
import { addComponent, removeComponent, renameComponent, setComponentField } from './component-edits';
import { addConnection, removeConnection } from './connection-edits';
import { requiredPlaceholders } from './placeholders';
import { isScalar } from 'yaml';
import { parseFlow } from '../parse';
import { keySpan, pairNamed, rootMap } from './yaml-nodes';
import { accept, applyEdits, type FlowEditResult, type OffsetEdit } from './text-edit';

export function editForRequest(text: string, request: EditRequest): FlowEditResult {
  switch (request.kind) {
    case 'addComponent':
      return addComponent(text, { name: request.name, type: request.componentType, fields: requiredPlaceholders(request.componentType) });
    case 'removeComponent':
      return withoutEmptyConnections(text, removeComponent(text, request.name));
    case 'renameComponent':
      return renameComponent(text, request.from, request.to);
    case 'addConnection':
      return addConnection(text, request.from, request.to);
    case 'removeConnection':
      return withoutEmptyConnections(text, removeConnection(text, request.index));
    case 'setFields':
      return setFields(text, request.name, request.fields);
  }
}

/** Removing the last connection would leave `connections:` with no value (invalid): it becomes `connections: []`. */
function withoutEmptyConnections(text: string, result: FlowEditResult): FlowEditResult {
  if (!result.ok) return result;
  const edited = applyEdits(text, result.edits);
  const root = rootMap(parseFlow(edited).document);
  const pair = root ? pairNamed(root, 'connections') : undefined;
  const key = pair ? keySpan(pair) : undefined;
  if (!pair || !key || !(pair.value === null || (isScalar(pair.value) && pair.value.value === null))) return result;
  const lineEnd = edited.indexOf('\n', key.end);
  const comment = edited.slice(key.end, lineEnd < 0 ? edited.length : lineEnd).match(/\s+#.*$/)?.[0] ?? '';
  const fixed = `${edited.slice(0, key.start)}connections: []${comment}${lineEnd < 0 ? '' : edited.slice(lineEnd)}`;
  return accept([spanningEdit(text, fixed)]);
}

/** Sets several fields one after the other; the result is one edit spanning what changed. */
function setFields(text: string, name: string, fields: Readonly<Record<string, BuilderValue | null>>): FlowEditResult {
  let current = text;
  for (const [field, value] of Object.entries(fields)) {
    const result = setComponentField(current, name, field, value ?? undefined);
    if (!result.ok) return result;
    current = applyEdits(current, result.edits);
  }
  return current === text ? accept([]) : accept([spanningEdit(text, current)]);
}

/** The single edit that turns `before` into `after`: everything between their common prefix and suffix. */
function spanningEdit(before: string, after: string): OffsetEdit {
  let start = 0;
  const limit = Math.min(before.length, after.length);
  while (start < limit && before[start] === after[start]) start++;
  let end = 0;
  while (end < limit - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  return { start, end: before.length - end, newText: after.slice(start, after.length - end) };
}
