// Sign In with GitHub, Sign Out, Set Secret…: who runs, and the secrets flows reference as ${secret:NAME}.
import * as vscode from 'vscode';
import { secretFolderOf, secretStorageKey } from '../secret-storage-key';
import type { CommandContext } from './command-context';

export const signIn = (ctx: CommandContext) => async () => {
  const session = await ctx.account.refresh(true);
  if (session) ctx.log.info(`signed in to GitHub as ${session.login}`);
  return session?.login;
};

export const signOut = (ctx: CommandContext) => async () => {
  await ctx.account.signOut();
  ctx.log.info('signed out of GitHub: runs are recorded under the local user name');
};

/** The folder a secret is set for: the one given, the active flow's, the only workspace folder, or the one picked. */
async function secretFolder(ctx: CommandContext, given: vscode.Uri | undefined): Promise<vscode.Uri | undefined> {
  if (given) return given;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && active.scheme === 'file') return secretFolderOf(active);
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) return folders[0]?.uri;
  const picked = await ctx.prompts.pick(folders.map((f) => ({ label: f.name, description: f.uri.fsPath, folder: f.uri })), { title: 'FlowTracer: the folder whose flows use this secret' });
  return picked?.folder;
}

/** Arguments are for the editor tests: the name, the value and the folder whose flows use it. */
export const setSecret = (ctx: CommandContext) => async (name?: string, value?: string, folderUri?: vscode.Uri) => {
  const folder = await secretFolder(ctx, folderUri);
  if (!folder) {
    void vscode.window.showInformationMessage('Open a folder or a flow first: a secret belongs to the flows of one folder.');
    return;
  }
  const key = name ?? (await ctx.prompts.input({ title: 'FlowTracer: secret name', prompt: 'The NAME in ${secret:NAME}', validateInput: (v) => (/^[A-Za-z0-9_.-]+$/.test(v) ? undefined : 'Letters, digits, _ . - only') }));
  if (!key) return;
  const secret = value ?? (await ctx.prompts.input({ title: `FlowTracer: value of ${key}`, password: true, ignoreFocusOut: true }));
  if (secret === undefined) return;
  await ctx.secrets.store(secretStorageKey(folder, key), secret);
  ctx.log.info(`secret ${key} stored in the editor's secret storage for the flows of ${folder.fsPath}`);
};
