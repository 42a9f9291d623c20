// The one conversion of flow/edits' offset edits (and offset spans) into LSP ranges and TextEdits.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { Range, TextEdit } from 'vscode-languageserver-types';
import type { OffsetEdit } from '../../flow/edits/text-edit';

export function rangeOf(document: TextDocument, start: number, end: number): Range {
  return Range.create(document.positionAt(start), document.positionAt(end));
}

export function textEdits(document: TextDocument, edits: readonly OffsetEdit[]): TextEdit[] {
  return edits.map((edit) => TextEdit.replace(rangeOf(document, edit.start, edit.end), edit.newText));
}
