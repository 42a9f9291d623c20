// Refreshes the Runs view when a run's summary appears or changes in the runs folder, following `flowtracer.runsFolder` as it changes.
import * as vscode from 'vscode';
import { runsDirFor } from '../settings';

/** Watches `<runs folder>/<run>/summary.json` (a run from the CLI in a terminal shows too); a new folder setting moves the watch and refreshes. */
export function watchRunsFolder(refresh: () => void): vscode.Disposable {
  let watched: vscode.Disposable[] = [];
  const watch = (): void => {
    for (const d of watched) d.dispose();
    const dir = runsDirFor();
    if (!dir) {
      watched = [];
      return;
    }
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dir), '*/summary.json'));
    watched = [watcher, watcher.onDidCreate(refresh), watcher.onDidChange(refresh), watcher.onDidDelete(refresh)];
  };
  const moved = (): void => {
    watch();
    refresh();
  };
  watch();
  const subscriptions = [
    vscode.workspace.onDidChangeConfiguration((e) => (e.affectsConfiguration('flowtracer.runsFolder') ? moved() : undefined)),
    vscode.workspace.onDidChangeWorkspaceFolders(moved),
  ];
  return { dispose: () => [...watched, ...subscriptions].forEach((d) => d.dispose()) };
}
