// Completion: keys valid at the cursor, enum values, component names, kinds and snippets.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CompletionItem,
  CompletionItemKind,
  CompletionList,
  InsertTextFormat,
  MarkupKind,
  Range,
  TextEdit,
  type Position,
} from 'vscode-languageserver-types';
import type { CheckedFlow } from '../../flow/check';
import { componentTypes } from '../../flow/component-types';
import type { FlowModel } from '../../flow/model';
import { flowSchema, RETRY_STRATEGY_NAMES, type FlowSchema } from '../../flow/schema';
import { componentNamed, connectionAt } from './component-lookup';
import { keysInScope } from './completion-keys';
import { completionScope, type CompletionScope } from './completion-scope';
import { missingKeyColumns, suggestedValues } from './completion-values';
import { cursorContext, type CursorContext } from './cursor-context';
import { componentPropertyInfos, mainTarget, propertiesAt, type PropertyInfo } from './flow-vocabulary';
import { componentSnippet, connectionSnippet, retrySnippet } from './snippets';

/** `root`: the flow schema whose types and fields are offered (default: the shipped one). */
export function doComplete(document: TextDocument, position: Position, checked: CheckedFlow, root: FlowSchema = flowSchema): CompletionList {
  const text = document.getText();
  const offset = document.offsetAt(position);
  const context = cursorContext(text, offset);
  const range = Range.create(document.positionAt(context.wordStart), document.positionAt(offset));
  const model = checked.parsed.model;
  const scope = completionScope(model, checked.parsed.value, context.path, offset);
  const items = context.mode === 'key' ? keyItems(context, scope, range, root) : valueItems(context, model, scope, offset, range, root);
  return CompletionList.create(items, false);
}

function keyItems(context: CursorContext, scope: CompletionScope, range: Range, root: FlowSchema): CompletionItem[] {
  const { path } = context;
  const items: CompletionItem[] = [];
  if (path.length === 1 && path[0] === 'components' && !context.inFlow) {
    for (const type of componentTypes(root).names) items.push(snippetItem(`${type} component`, componentSnippet(type, context.indent, root), range, `New ${type} component`));
  }
  if (path.length === 1 && path[0] === 'connections' && !context.inFlow) {
    items.push(snippetItem('connection', connectionSnippet(context.indent, true), range, 'New connection'));
  }
  const present = new Set(Object.keys(scope.written));
  if (path.length === 2 && path[0] === 'connections' && path[1] === '[]' && present.size === 0) {
    items.push(snippetItem('connection', connectionSnippet(context.indent, false), range, 'New connection'));
  }
  if (path.length === 3 && path[0] === 'connections' && path[2] === 'columns') {
    for (const column of missingKeyColumns(scope)) {
      if (column !== context.word) items.push(columnItem(column, range));
    }
  }
  const schemaProperties = propertiesAt(path, scope.componentType, root);
  if (!schemaProperties) return items;
  const properties = keysInScope(path, schemaProperties, scope, root);
  for (const property of properties) {
    if (present.has(property.name) && property.name !== context.word) continue;
    items.push(propertyItem(property, context, range));
  }
  if (properties.some((property) => property.name === 'retry') && !present.has('retry') && !context.inFlow) {
    for (const strategy of RETRY_STRATEGY_NAMES) {
      items.push(snippetItem(`retry block (${strategy})`, retrySnippet(strategy, context.indent), range, `Retry with the ${strategy} strategy`));
    }
  }
  return items;
}

function columnItem(column: string, range: Range): CompletionItem {
  return {
    label: column,
    kind: CompletionItemKind.Property,
    detail: 'a key column',
    sortText: `0_${column}`,
    insertTextFormat: InsertTextFormat.Snippet,
    textEdit: TextEdit.replace(range, `${column}: \${1:\$.${column}}`),
  };
}

function propertyItem(property: PropertyInfo, context: CursorContext, range: Range): CompletionItem {
  const childIndent = ' '.repeat(context.indent + 2);
  let insert = `${property.name}: `;
  if (property.values && property.shape === 'scalar') insert = `${property.name}: \${1|${property.values.join(',')}|}`;
  else if (!context.inFlow && property.shape === 'map') insert = `${property.name}:\n${childIndent}`;
  else if (!context.inFlow && property.shape === 'list') insert = `${property.name}:\n${childIndent}- `;
  else if (property.shape === 'list') insert = `${property.name}: [$1]`;
  else if (property.shape === 'map') insert = `${property.name}: { $1 }`;
  return {
    label: property.name,
    kind: CompletionItemKind.Property,
    detail: property.required ? 'required' : undefined,
    documentation: { kind: MarkupKind.Markdown, value: property.doc },
    sortText: `${property.required ? '0' : '1'}_${property.name}`,
    insertTextFormat: InsertTextFormat.Snippet,
    textEdit: TextEdit.replace(range, insert),
  };
}

function snippetItem(label: string, snippet: string, range: Range, detail: string): CompletionItem {
  return {
    label,
    kind: CompletionItemKind.Snippet,
    detail,
    sortText: `2_${label}`,
    insertTextFormat: InsertTextFormat.Snippet,
    textEdit: TextEdit.replace(range, snippet),
  };
}

function valueItem(value: string, range: Range, kind: CompletionItemKind, detail?: string): CompletionItem {
  return { label: value, kind, detail, textEdit: TextEdit.replace(range, value) };
}

function valueItems(context: CursorContext, model: FlowModel, scope: CompletionScope, offset: number, range: Range, root: FlowSchema): CompletionItem[] {
  const { path, key } = context;
  const types = componentTypes(root);
  const inConnection = path.length === 2 && path[0] === 'connections' && path[1] === '[]';
  if (inConnection && (key === 'from' || key === 'to')) return componentNameItems(model, key, offset, range, root);
  if (inConnection && key === 'kind') {
    const kind = types.inferKind(scope.connection?.source?.type, scope.connection?.target?.type);
    return (kind ? [kind] : [...types.kinds]).map((value) => valueItem(value, range, CompletionItemKind.EnumMember, kind ? 'inferred from the two types' : undefined));
  }
  const suggested = suggestedValues(path, key, scope, root);
  if (suggested) return suggested.map(({ value, detail }) => valueItem(value, range, CompletionItemKind.Value, detail));
  const property = propertiesAt(path, scope.componentType, root)?.find((candidate) => candidate.name === key)
    ?? (path[0] === 'components' && path.length === 2 && key === 'type' ? componentPropertyInfos(undefined, root).find((candidate) => candidate.name === 'type') : undefined);
  return (property?.values ?? []).map((value) => valueItem(value, range, CompletionItemKind.EnumMember));
}

function componentNameItems(model: FlowModel, end: 'from' | 'to', offset: number, range: Range, root: FlowSchema): CompletionItem[] {
  const connection = connectionAt(model, offset);
  const from = end === 'to' ? componentNamed(model, connection?.from) : undefined;
  const items: CompletionItem[] = [];
  for (const component of model.components) {
    if (from && (component.name === from.name || componentTypes(root).inferKind(from.type, component.type) === undefined)) continue;
    const target = mainTarget(component.type, component.props, root);
    items.push(valueItem(component.name, range, CompletionItemKind.Reference, [component.type ?? 'untyped', target].filter(Boolean).join(' · ')));
  }
  return items;
}
