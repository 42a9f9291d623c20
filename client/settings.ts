// FlowTracer's settings, read in one place.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ScopedValue } from './access/github-api-target';
import { DEFAULT_LOCAL_HOSTS } from './runs/local-hosts';
import { DEFAULT_TRACE_UI, type TracingExporter, type TracingSettings } from './runs/tracing-settings';

export function settings() {
  const c = vscode.workspace.getConfiguration('flowtracer');
  return {
    runsFolder: c.get<string>('runsFolder', '.flowtracer/runs'),
    // Machine-scoped: where this machine's executors keep runs (a PostgreSQL URL), never a workspace's choice.
    runsStore: c.inspect<string>('runsStore')?.globalValue ?? '',
    defaultValidationMode: c.get<string>('defaultValidationMode', ''),
    logLevel: c.get<string>('logLevel', 'info'),
    messagesInFlight: c.get<number>('messagesInFlight', 256),
    maxResponseBytes: c.get<number>('http.maxResponseBytes', 10485760),
    stopGracePeriod: c.get<number>('stopGracePeriod', 5),
    redriveMaxRedrives: c.get<number>('redrive.maxRedrives', 3),
    // Machine-scoped and read from user settings only: a cloned repo's .vscode/settings.json must not widen it.
    localHosts: c.inspect<string[]>('localHosts')?.globalValue ?? [...DEFAULT_LOCAL_HOSTS],
    tracing: tracingSettings(c),
    // Machine-scoped like the endpoint: a workspace must not point the link somewhere else.
    traceUiUrl: c.inspect<string>('tracing.uiUrl')?.globalValue ?? DEFAULT_TRACE_UI,
  };
}

/** The exporter only when someone set it (else the OTEL_* variables VS Code has apply); the endpoint from user settings only. */
function tracingSettings(c: vscode.WorkspaceConfiguration): TracingSettings {
  const exporter = c.inspect<TracingExporter>('tracing.exporter');
  const chosen = exporter?.workspaceFolderValue ?? exporter?.workspaceValue ?? exporter?.globalValue;
  const endpoint = c.inspect<string>('tracing.endpoint')?.globalValue;
  const name = c.inspect<string>('tracing.serviceName');
  const serviceName = name?.workspaceFolderValue ?? name?.workspaceValue ?? name?.globalValue;
  return { ...(chosen ? { exporter: chosen } : {}), ...(endpoint ? { endpoint } : {}), ...(serviceName ? { serviceName } : {}) };
}

/**
 * The workspace's settings files that name `key`. VS Code drops some workspace values itself (an application-scoped
 * setting, a restricted one in an untrusted folder), so inspect() cannot tell; the files can, to say what was ignored.
 */
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

/** A setting's user value only (`globalValue`), and the workspace files that set it too (they are not used). */
async function userValue(section: string, name: string): Promise<ScopedValue> {
  const key = `${section}.${name}`;
  return { key, global: vscode.workspace.getConfiguration(section).inspect<string>(name)?.globalValue, workspace: await workspaceFilesNaming(key) };
}

/** The settings that decide where the GitHub token is sent (`github-enterprise.uri` is VS Code's own, window-scoped). */
export async function githubApiSettings(): Promise<{ readonly apiUrl: ScopedValue; readonly enterpriseUri: ScopedValue }> {
  return { apiUrl: await userValue('flowtracer', 'github.apiUrl'), enterpriseUri: await userValue('github-enterprise', 'uri') };
}

/** The absolute runs folder of the workspace that holds `flowFile` (or the first folder). */
export function runsDirFor(flowFile?: vscode.Uri): string | undefined {
  const folder = (flowFile && vscode.workspace.getWorkspaceFolder(flowFile)) ?? vscode.workspace.workspaceFolders?.[0];
  if (!folder) return undefined;
  const configured = settings().runsFolder;
  return path.isAbsolute(configured) ? configured : path.join(folder.uri.fsPath, configured);
}
