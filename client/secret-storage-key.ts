// Where a `${secret:NAME}` lives in the editor's secret storage: per workspace folder, so that one repository's flow cannot read another's secret.
import * as vscode from 'vscode';

const PREFIX = 'flowtracer.secret.';

/** The folder whose secrets a file's flow uses: its workspace folder, or the file's own folder outside any. */
export function secretFolderOf(file: vscode.Uri): vscode.Uri {
  return vscode.workspace.getWorkspaceFolder(file)?.uri ?? vscode.Uri.joinPath(file, '..');
}

/** The secret storage key of `name` for the flows of `folder`. */
export function secretStorageKey(folder: vscode.Uri, name: string): string {
  return `${PREFIX}${folder.toString()}#${name}`;
}
