// Code actions for diagnostics: did-you-mean, add missing required fields, write the inferred kind, remove an unknown property.
import { rangeOf } from './lsp-edits';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { CodeAction, CodeActionKind, Position, TextEdit, type Diagnostic, type Range } from 'vscode-languageserver-types';
import { isMap, isScalar, type Document, type Pair, type YAMLMap } from 'yaml';
import type { CheckedFlow } from '../../flow/check';
import { componentTypes } from '../../flow/component-types';
import type { FlowModel } from '../../flow/model';
import { flowSchema, type FlowSchema } from '../../flow/schema';
import { closestNames } from '../../flow/did-you-mean';
import { componentNamed } from './component-lookup';
import { propertiesAt } from './flow-vocabulary';
import { nodeAt, type NodeAtOffset, type YamlPath } from './yaml-node-at';

/** Codes whose fix is removing the key at the range (flow/DIAGNOSTICS.md). */
const REMOVABLE_CODES = new Set(['unknown-property', 'retry-field-not-applicable', 'select-field-not-applicable', 'db-field-not-applicable']);

/** `root`: the flow schema whose fields and types the fixes write (default: the shipped one). */
export function getCodeActions(document: TextDocument, range: Range, diagnostics: readonly Diagnostic[], checked: CheckedFlow, root: FlowSchema = flowSchema): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) actions.push(...actionsFor(document, diagnostic, checked, root));
  const kindAction = writeInferredKind(document, document.offsetAt(range.start), checked.parsed.model, undefined, root);
  if (kindAction && !actions.some((action) => action.title === kindAction.title)) actions.push(kindAction);
  return actions;
}

function edit(document: TextDocument, title: string, edits: TextEdit[], diagnostic: Diagnostic | undefined, preferred = false): CodeAction {
  const action = CodeAction.create(title, { changes: { [document.uri]: edits } }, diagnostic ? CodeActionKind.QuickFix : CodeActionKind.RefactorRewrite);
  if (diagnostic) action.diagnostics = [diagnostic];
  if (preferred) action.isPreferred = true;
  return action;
}

/** Suggestions the check attached (`data.suggestions` or `data.suggestion`), if any. */
function suggestionsIn(data: unknown): string[] | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const record = data as { suggestions?: unknown; suggestion?: unknown };
  if (Array.isArray(record.suggestions)) return record.suggestions.filter((item): item is string => typeof item === 'string');
  if (typeof record.suggestion === 'string') return [record.suggestion];
  return undefined;
}

function actionsFor(document: TextDocument, diagnostic: Diagnostic, checked: CheckedFlow, root: FlowSchema): CodeAction[] {
  const { document: yaml, model } = checked.parsed;
  const start = document.offsetAt(diagnostic.range.start);
  const found = nodeAt(yaml, start);
  if (!found) return [];
  const actions: CodeAction[] = [];
  const written = found.scalar && isScalar(found.scalar) ? String(found.scalar.value) : undefined;
  const scalarRange = found.scalar?.range ? rangeOf(document, found.scalar.range[0], found.scalar.range[1]) : undefined;
  const componentType = found.path[0] === 'components' ? componentNamed(model, String(found.path[1]))?.type : undefined;

  // A from/to value that names no component.
  const end = found.path[2];
  if (found.on === 'value' && found.path[0] === 'connections' && (end === 'from' || end === 'to') && written !== undefined && scalarRange && !componentNamed(model, written)) {
    const names = suggestionsIn(diagnostic.data) ?? closestNames(written, model.components.map((component) => component.name));
    names.forEach((name, index) => actions.push(edit(document, `Change to '${name}'`, [TextEdit.replace(scalarRange, name)], diagnostic, index === 0)));
  }
  // A key the format does not allow here.
  if (found.on === 'key' && found.pair && written !== undefined && scalarRange) {
    const allowed = propertiesAt(found.path, componentType, root);
    if (allowed && !allowed.some((property) => property.name === written)) {
      const names = suggestionsIn(diagnostic.data) ?? closestNames(written, allowed.map((property) => property.name));
      names.forEach((name, index) => actions.push(edit(document, `Change to '${name}'`, [TextEdit.replace(scalarRange, name)], diagnostic, index === 0)));
      actions.push(edit(document, `Remove property '${written}'`, [removePair(document, found.pair)], diagnostic));
    }
    if (REMOVABLE_CODES.has(String(diagnostic.code)) && !actions.some((action) => action.title.startsWith('Remove'))) {
      actions.push(edit(document, `Remove property '${written}'`, [removePair(document, found.pair)], diagnostic));
    }
    // Missing required fields: the diagnostic sits on the owner's key (a component name, a connection's first key).
    if (diagnostic.code === 'missing-property' || (found.path.length === 1 && found.path[0] === 'components')) {
      const add = addRequired(document, checked, found, diagnostic, root);
      if (add) actions.push(add);
    }
  }
  if (found.on === 'value' && found.path.length === 3 && found.path[2] === 'type' && found.path[0] === 'components' && written !== undefined && scalarRange && !componentTypes(root).names.includes(written)) {
    const names = suggestionsIn(diagnostic.data) ?? closestNames(written, componentTypes(root).names);
    names.forEach((name, index) => actions.push(edit(document, `Change to '${name}'`, [TextEdit.replace(scalarRange, name)], diagnostic, index === 0)));
  }
  const kind = writeInferredKind(document, start, model, diagnostic, root);
  if (kind) actions.push(kind);
  return actions;
}

function lineEndOffset(document: TextDocument, offset: number): number {
  const position = document.positionAt(offset);
  return document.offsetAt(Position.create(position.line + 1, 0));
}

/** Inserts whole lines after the line holding `offset` (adding the missing final newline if needed). */
function insertLinesAfter(document: TextDocument, offset: number, lines: string): TextEdit {
  const at = lineEndOffset(document, offset);
  const text = document.getText();
  const needsNewline = at === text.length && text.length > 0 && !text.endsWith('\n');
  return TextEdit.insert(document.positionAt(at), `${needsNewline ? '\n' : ''}${lines}`);
}

function removePair(document: TextDocument, pair: Pair): TextEdit {
  const text = document.getText();
  const keyStart = (pair.key as { range: [number, number, number] }).range[0];
  const valueEnd = (pair.value as { range?: [number, number, number] } | null)?.range?.[1] ?? (pair.key as { range: [number, number, number] }).range[1];
  const lineStart = text.lastIndexOf('\n', keyStart - 1) + 1;
  if (/^\s*(-\s+)?$/.test(text.slice(lineStart, keyStart)) && !/[{,]/.test(text.slice(lineStart, keyStart))) {
    // Block style: remove whole lines, from the key's line to the value's last line.
    const lastLineEnd = Math.max(lineEndOffset(document, Math.max(keyStart, valueEnd - 1)), keyStart);
    const startOffset = /-\s+$/.test(text.slice(lineStart, keyStart)) ? keyStart : lineStart;
    return TextEdit.del(rangeOf(document, startOffset, lastLineEnd));
  }
  // Flow style: remove `key: value` and one neighbouring comma.
  const after = /^\s*,\s*/.exec(text.slice(valueEnd));
  if (after) return TextEdit.del(rangeOf(document, keyStart, valueEnd + after[0].length));
  const before = /,\s*$/.exec(text.slice(0, keyStart));
  const from = before ? keyStart - before[0].length : keyStart;
  return TextEdit.del(rangeOf(document, from, valueEnd));
}

/** The mapping whose required fields are missing: the component under its name, else the mapping holding the key. */
function ownerMap(yaml: Document.Parsed, path: YamlPath, pair: Pair): { map: YAMLMap; path: YamlPath } | undefined {
  if (path.length === 1 && path[0] === 'components' && isMap(pair.value) && isScalar(pair.key)) {
    return { map: pair.value, path: [...path, String(pair.key.value)] };
  }
  const map = path.length === 0 ? yaml.contents : yaml.getIn(path, true);
  return isMap(map) ? { map, path } : undefined;
}

function addRequired(document: TextDocument, checked: CheckedFlow, found: NodeAtOffset, diagnostic: Diagnostic, root: FlowSchema): CodeAction | undefined {
  const { document: yaml, model } = checked.parsed;
  if (!found.pair) return undefined;
  const owner = ownerMap(yaml, found.path, found.pair);
  if (!owner) return undefined;
  const componentType = owner.path[0] === 'components' ? componentNamed(model, String(owner.path[1]))?.type : undefined;
  const properties = propertiesAt(owner.path, componentType, root) ?? [];
  const present = new Set((owner.map.items as Pair[]).map((item) => (isScalar(item.key) ? String(item.key.value) : '')));
  const fromData = (diagnostic.data as { missing?: unknown } | undefined)?.missing;
  const wanted = Array.isArray(fromData) ? fromData.map(String) : properties.filter((property) => property.required).map((property) => property.name);
  const missing = wanted.filter((name) => !present.has(name)).map((name) => properties.find((property) => property.name === name) ?? { name, shape: 'scalar', placeholder: name });
  if (missing.length === 0) return undefined;
  const valueOf = (property: { shape: string; placeholder: string }): string =>
    property.shape === 'list' ? `[${property.placeholder}]` : property.shape === 'map' ? '{}' : property.placeholder;
  const map = owner.map;
  const range = map.range!;
  let insert: TextEdit;
  if (map.flow) {
    // After the last entry (`{ type: kafka, brokers: [brokers] }`), or inside empty braces.
    const added = missing.map((property) => `${property.name}: ${valueOf(property)}`).join(', ');
    const last = map.items[map.items.length - 1] as Pair | undefined;
    const lastEnd = (last?.value as { range?: [number, number, number] } | null)?.range?.[1] ?? (last?.key as { range?: [number, number, number] } | undefined)?.range?.[1];
    insert = lastEnd !== undefined ? TextEdit.insert(document.positionAt(lastEnd), `, ${added}`) : TextEdit.insert(document.positionAt(range[0] + 1), ` ${added} `);
  } else {
    const firstKey = (map.items[0]?.key as { range?: [number, number, number] } | undefined)?.range?.[0] ?? range[0];
    const indent = document.positionAt(firstKey).character;
    const lines = missing.map((property) => `${' '.repeat(indent)}${property.name}: ${valueOf(property)}\n`).join('');
    insert = insertLinesAfter(document, Math.max(range[0], range[1] - 1), lines);
  }
  return edit(document, `Add missing ${missing.map((property) => `'${property.name}'`).join(', ')}`, [insert], diagnostic, true);
}

/** On a connection without a `kind` (or with a contradicting one): write the kind inferred from the types. */
function writeInferredKind(document: TextDocument, offset: number, model: FlowModel, diagnostic: Diagnostic | undefined, root: FlowSchema): CodeAction | undefined {
  const connection = model.connections.find((candidate) => candidate.span.start <= offset && offset <= candidate.span.end);
  if (!connection) return undefined;
  const kind = componentTypes(root).inferKind(componentNamed(model, connection.from)?.type, componentNamed(model, connection.to)?.type);
  if (!kind || connection.kind === kind) return undefined;
  const text = document.getText();
  if (connection.kind !== undefined) {
    if (!diagnostic) return undefined;
    const match = /\bkind\s*:\s*/.exec(text.slice(connection.span.start, connection.span.end));
    if (!match) return undefined;
    const valueStart = connection.span.start + match.index + match[0].length;
    const valueEnd = valueStart + connection.kind.length;
    return edit(document, `Change kind to '${kind}'`, [TextEdit.replace(rangeOf(document, valueStart, valueEnd), kind)], diagnostic, true);
  }
  const toSpan = connection.toSpan ?? connection.fromSpan;
  if (!toSpan) return undefined;
  const flow = text[connection.span.start] === '{';
  if (flow) return edit(document, `Write the inferred kind '${kind}'`, [TextEdit.insert(document.positionAt(toSpan.end), `, kind: ${kind}`)], diagnostic);
  const keyStart = text.lastIndexOf('\n', toSpan.start - 1) + 1;
  const indent = /^(\s*)(-\s+)?/.exec(text.slice(keyStart, toSpan.start))!;
  const column = indent[0].length;
  return edit(document, `Write the inferred kind '${kind}'`, [insertLinesAfter(document, toSpan.end, `${' '.repeat(column)}kind: ${kind}\n`)], diagnostic);
}
