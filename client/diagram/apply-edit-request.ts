// Applies the builder's edit request to the open flow document as one WorkspaceEdit (undoable, not saved).
import * as vscode from 'vscode';
import { editForRequest } from '../../flow/edits/edit-request';
import type { EditRequest } from '../../protocol/webview-messages';

/** Applies the request to the document's current text; returns the reason when it is refused. */
export async function applyEditRequest(document: vscode.TextDocument, request: EditRequest): Promise<string | undefined> {
  const text = document.getText();
  const result = editForRequest(text, request);
  if (!result.ok) return result.reason;
  if (result.edits.length === 0) return undefined;
  const edit = new vscode.WorkspaceEdit();
  for (const change of result.edits) {
    edit.replace(document.uri, new vscode.Range(document.positionAt(change.start), document.positionAt(change.end)), change.newText);
  }
  const applied = await vscode.workspace.applyEdit(edit);
  return applied ? undefined : 'the editor did not accept the change (the document may have changed meanwhile); try again';
}
