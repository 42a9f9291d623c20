// FlowTracer's settings, read in one place.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ScopedValue } from './access/github-api-target';
import { DEFAULT_LOCAL_HOSTS } from './runs/local-hosts';

export function settings() {
  const c = vscode.workspace.getConfiguration('flowtracer');
  return {
    runsFolder: c.get<string>('runsFolder', '.flowtracer/runs'),
    defaultValidationMode: c.get<string>('defaultValidationMode', ''),
    logLevel: c.get<string>('logLevel', 'info'),
    messagesInFlight: c.get<number>('messagesInFlight', 256),
    stopGracePeriod: c.get<number>('stopGracePeriod', 5),
    localHosts: c.get<string[]>('localHosts', [...DEFAULT_LOCAL_HOSTS]),
  };
}

/** The workspace's settings files that name `key` (VS Code itself drops an application-scoped value there; this is to say so). */
async function workspaceFilesNaming(key: string): Promise<string[]> {
  const files = (vscode.workspace.workspaceFolders ?? []).map((f) => vscode.Uri.joinPath(f.uri, '.vscode', 'settings.json'));
  if (vscode.workspace.workspaceFile?.scheme === 'file') files.push(vscode.workspace.workspaceFile);
  const naming: string[] = [];
  for (const file of files) {
    const text = await vscode.workspace.fs.readFile(file).then((bytes) => new TextDecoder().decode(bytes), () => '');
    if (text.includes(`"${key}"`)) naming.push(file.fsPath);
  }
  return naming;
}

/** A window-scoped setting's user value, and the workspace values it has besides (which are not used). */
function scoped(section: string, name: string): ScopedValue {
  const values = vscode.workspace.getConfiguration(section).inspect<string>(name);
  const workspace = [...new Set([values?.workspaceValue, values?.workspaceFolderValue])].filter((v): v is string => !!v).map((v) => `"${v}"`);
  return { key: `${section}.${name}`, global: values?.globalValue, workspace };
}

/** The settings that decide where the GitHub token is sent (`github-enterprise.uri` is VS Code's own, window-scoped). */
export async function githubApiSettings(): Promise<{ readonly apiUrl: ScopedValue; readonly enterpriseUri: ScopedValue }> {
  const apiUrlKey = 'flowtracer.github.apiUrl';
  // Application scope: VS Code reads it from user settings only, so inspect() shows no workspace value to report.
  const apiUrl: ScopedValue = { key: apiUrlKey, global: vscode.workspace.getConfiguration('flowtracer').inspect<string>('github.apiUrl')?.globalValue, workspace: await workspaceFilesNaming(apiUrlKey) };
  return { apiUrl, enterpriseUri: scoped('github-enterprise', 'uri') };
}

/** The absolute runs folder of the workspace that holds `flowFile` (or the first folder). */
export function runsDirFor(flowFile?: vscode.Uri): string | undefined {
  const folder = (flowFile && vscode.workspace.getWorkspaceFolder(flowFile)) ?? vscode.workspace.workspaceFolders?.[0];
  if (!folder) return undefined;
  const configured = settings().runsFolder;
  return path.isAbsolute(configured) ? configured : path.join(folder.uri.fsPath, configured);
}
