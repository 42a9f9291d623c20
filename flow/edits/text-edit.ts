// Offset-based text edits: what the visual builder produces and the host turns into a WorkspaceEdit.

export interface OffsetEdit {
  readonly start: number;
  readonly end: number;
  readonly newText: string;
}

export type FlowEditResult =
  | { readonly ok: true; readonly edits: readonly OffsetEdit[] }
  | { readonly ok: false; readonly reason: string };

export function refuse(reason: string): FlowEditResult {
  return { ok: false, reason };
}

export function accept(edits: readonly OffsetEdit[]): FlowEditResult {
  return { ok: true, edits: [...edits].sort((a, b) => a.start - b.start) };
}

/** Applies non-overlapping edits to a text (any order given). */
export function applyEdits(text: string, edits: readonly OffsetEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start);
  let result = text;
  let limit = Number.POSITIVE_INFINITY;
  for (const edit of sorted) {
    if (edit.end > limit) throw new Error(`overlapping edits at offset ${edit.start}`);
    result = result.slice(0, edit.start) + edit.newText + result.slice(edit.end);
    limit = edit.start;
  }
  return result;
}

/** Offset of the first character of the line holding `offset`. */
export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset just past the newline ending the line holding `offset` (or the text's end). */
export function lineEndInclusive(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  return newline === -1 ? text.length : newline + 1;
}

/** The column (0-based) of an offset on its line. */
export function columnOf(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

/** The newline style the document already uses. */
export function newlineOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}
