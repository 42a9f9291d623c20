// Definition, references and rename of component names (the component key and every from/to value).
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { Location, Range, TextEdit, type Position, type WorkspaceEdit } from 'vscode-languageserver-types';
import { isMap, isScalar, type Document, type Pair, type Scalar } from 'yaml';
import { componentsMap, connectionsSeq } from '../../flow/edits/yaml-nodes';

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
export function nameOccurrences(document: Document.Parsed, text: string): NameOccurrence[] {
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

export function nameAt(document: Document.Parsed, text: string, offset: number): NameOccurrence | undefined {
  return nameOccurrences(document, text).find((item) => item.start <= offset && offset <= item.end);
}

const rangeOf = (document: TextDocument, item: NameOccurrence): Range =>
  Range.create(document.positionAt(item.start), document.positionAt(item.end));

export function findDefinition(document: TextDocument, position: Position, yaml: Document.Parsed): Location[] {
  const target = nameAt(yaml, document.getText(), document.offsetAt(position));
  if (!target) return [];
  return nameOccurrences(yaml, document.getText())
    .filter((item) => item.isDefinition && item.name === target.name)
    .map((item) => Location.create(document.uri, rangeOf(document, item)));
}

export function findReferences(document: TextDocument, position: Position, yaml: Document.Parsed, includeDeclaration: boolean): Location[] {
  const target = nameAt(yaml, document.getText(), document.offsetAt(position));
  if (!target) return [];
  return nameOccurrences(yaml, document.getText())
    .filter((item) => item.name === target.name && (includeDeclaration || !item.isDefinition))
    .map((item) => Location.create(document.uri, rangeOf(document, item)));
}

export function prepareRename(document: TextDocument, position: Position, yaml: Document.Parsed): { range: Range; placeholder: string } | null {
  const target = nameAt(yaml, document.getText(), document.offsetAt(position));
  return target ? { range: rangeOf(document, target), placeholder: target.name } : null;
}

const PLAIN_NAME = /^[A-Za-z_][\w.-]*$/;

export function doRename(document: TextDocument, position: Position, newName: string, yaml: Document.Parsed): WorkspaceEdit | null {
  const text = document.getText();
  const target = nameAt(yaml, text, document.offsetAt(position));
  if (!target) return null;
  if (!PLAIN_NAME.test(newName)) {
    throw new FlowRenameError(`"${newName}" is not a valid component name: use letters, digits, '_', '.' or '-', starting with a letter.`);
  }
  const all = nameOccurrences(yaml, text);
  if (newName !== target.name && all.some((item) => item.isDefinition && item.name === newName)) {
    throw new FlowRenameError(`A component named "${newName}" already exists.`);
  }
  const edits = all.filter((item) => item.name === target.name).map((item) => TextEdit.replace(rangeOf(document, item), newName));
  return { changes: { [document.uri]: edits } };
}
