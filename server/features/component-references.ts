// Definition, references and rename of component names (the component key and every from/to value).
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { Location, type Position, type Range, type WorkspaceEdit } from 'vscode-languageserver-types';
import { isMap, isScalar, type Document, type Pair, type Scalar } from 'yaml';
import { renameComponent } from '../../flow/edits/component-edits';
import { componentsMap, connectionsSeq } from '../../flow/edits/yaml-nodes';
import { rangeOf, textEdits } from './lsp-edits';

export class FlowRenameError extends Error {
  override readonly name = 'FlowRenameError';
}

interface NameOccurrence {
  readonly name: string;
  /** The name's text without quotes. */
  readonly start: number;
  readonly end: number;
  readonly isDefinition: boolean;
}

function occurrence(scalar: Scalar, text: string, isDefinition: boolean): NameOccurrence | undefined {
  if (!scalar.range || scalar.value === null || scalar.value === undefined) return undefined;
  let [start, end] = scalar.range;
  if (text[start] === '"' || text[start] === "'") {
    start += 1;
    end -= 1;
  }
  return { name: String(scalar.value), start, end, isDefinition };
}

/** Every component name written in the flow, definitions first, in document order. */
function nameOccurrences(document: Document.Parsed, text: string): NameOccurrence[] {
  const found: NameOccurrence[] = [];
  const components = componentsMap(document);
  for (const pair of (components?.items ?? []) as Pair[]) {
    const item = isScalar(pair.key) ? occurrence(pair.key, text, true) : undefined;
    if (item) found.push(item);
  }
  for (const item of connectionsSeq(document)?.items ?? []) {
    if (!isMap(item)) continue;
    for (const end of ['from', 'to']) {
      const value = item.get(end, true);
      const reference = isScalar(value) ? occurrence(value, text, false) : undefined;
      if (reference) found.push(reference);
    }
  }
  return found;
}

function nameAt(document: Document.Parsed, text: string, offset: number): NameOccurrence | undefined {
  return nameOccurrences(document, text).find((item) => item.start <= offset && offset <= item.end);
}

const spanOf = (document: TextDocument, item: NameOccurrence): Range => rangeOf(document, item.start, item.end);

export function findDefinition(document: TextDocument, position: Position, yaml: Document.Parsed): Location[] {
  const target = nameAt(yaml, document.getText(), document.offsetAt(position));
  if (!target) return [];
  return nameOccurrences(yaml, document.getText())
    .filter((item) => item.isDefinition && item.name === target.name)
    .map((item) => Location.create(document.uri, spanOf(document, item)));
}

export function findReferences(document: TextDocument, position: Position, yaml: Document.Parsed, includeDeclaration: boolean): Location[] {
  const target = nameAt(yaml, document.getText(), document.offsetAt(position));
  if (!target) return [];
  return nameOccurrences(yaml, document.getText())
    .filter((item) => item.name === target.name && (includeDeclaration || !item.isDefinition))
    .map((item) => Location.create(document.uri, spanOf(document, item)));
}

export function prepareRename(document: TextDocument, position: Position, yaml: Document.Parsed): { range: Range; placeholder: string } | null {
  const target = nameAt(yaml, document.getText(), document.offsetAt(position));
  return target ? { range: spanOf(document, target), placeholder: target.name } : null;
}

/** Renames through flow/edits (the builder's rename: the same name rule and edits); a refusal is the user's sentence. */
export function doRename(document: TextDocument, position: Position, newName: string, yaml: Document.Parsed): WorkspaceEdit | null {
  const text = document.getText();
  const target = nameAt(yaml, text, document.offsetAt(position));
  if (!target) return null;
  const result = renameComponent(text, target.name, newName);
  if (!result.ok) throw new FlowRenameError(`${result.reason.charAt(0).toUpperCase()}${result.reason.slice(1)}.`);
  return { changes: { [document.uri]: textEdits(document, result.edits) } };
}
