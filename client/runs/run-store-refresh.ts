// Refreshes the Runs view from a run store, which has no watcher: after each run the extension starts, when the store setting changes, when the workspace is trusted.
import * as vscode from 'vscode';
import type { RunController } from './run-controller';

/** (A run written into the store from elsewhere, the CLI on another machine, shows on the view's Refresh.) */
export function followRunStore(refresh: () => void, runs: RunController): vscode.Disposable {
  const subscriptions = [
    runs.onDidFinish(refresh),
    vscode.workspace.onDidChangeConfiguration((e) => (e.affectsConfiguration('flowtracer.runsStore') ? refresh() : undefined)),
    vscode.workspace.onDidGrantWorkspaceTrust(refresh),
  ];
  return { dispose: () => subscriptions.forEach((d) => d.dispose()) };
}
