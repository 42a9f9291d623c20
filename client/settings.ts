// FlowTracer's settings, read in one place.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_LOCAL_HOSTS } from './runs/local-hosts';

export function settings() {
  const c = vscode.workspace.getConfiguration('flowtracer');
  return {
    runsFolder: c.get<string>('runsFolder', '.flowtracer/runs'),
    defaultValidationMode: c.get<string>('defaultValidationMode', ''),
    logLevel: c.get<string>('logLevel', 'info'),
    messagesInFlight: c.get<number>('messagesInFlight', 256),
    stopGracePeriod: c.get<number>('stopGracePeriod', 5),
    // Machine-scoped and read from user settings only: a cloned repo's .vscode/settings.json must not widen it.
    localHosts: c.inspect<string[]>('localHosts')?.globalValue ?? [...DEFAULT_LOCAL_HOSTS],
    githubApiUrl: c.get<string>('github.apiUrl', '') || process.env['FLOWTRACER_GITHUB_API_URL'] || undefined,
    enterpriseUri: vscode.workspace.getConfiguration('github-enterprise').get<string>('uri') || undefined,
  };
}

/** The absolute runs folder of the workspace that holds `flowFile` (or the first folder). */
export function runsDirFor(flowFile?: vscode.Uri): string | undefined {
  const folder = (flowFile && vscode.workspace.getWorkspaceFolder(flowFile)) ?? vscode.workspace.workspaceFolders?.[0];
  if (!folder) return undefined;
  const configured = settings().runsFolder;
  return path.isAbsolute(configured) ? configured : path.join(folder.uri.fsPath, configured);
}
