// Refreshes the Runs view when a run's summary appears or changes in the runs folder, following `flowtracer.runsFolder` as it changes.
import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import { runsDirFor } from '../settings';

/** How long after the last change the view looks once more. */
const SETTLE_MS = 1000;

/** Watches `<runs folder>/<run>/summary.json`, the run folders and the runs folder (a run from the CLI in a terminal shows too); a new folder setting moves the watch and refreshes. */
export function watchRunsFolder(refresh: () => void): vscode.Disposable {
  let watched: vscode.Disposable[] = [];
  let settled: NodeJS.Timeout | undefined;
  const changed = (): void => {
    refresh();
    clearTimeout(settled);
    settled = setTimeout(refresh, SETTLE_MS);
  };
  const watch = (): void => {
    for (const d of watched) d.dispose();
    const dir = runsDirFor();
    if (!dir) {
      watched = [];
      return;
    }
    // A folder created with files already in it can be reported without them (on Linux the watch on a new folder
    // starts after it was made, so what was written into it at once goes unseen): a run's folder, and the runs
    // folder a first run makes, are watched for as well as the summaries in them, and the view looks once more
    // when the changes have settled (a short run's last summary is written in that first moment).
    const patterns = [new vscode.RelativePattern(vscode.Uri.file(dir), '{*,*/summary.json}'), new vscode.RelativePattern(vscode.Uri.file(dirname(dir)), basename(dir))];
    watched = patterns.flatMap((pattern) => {
      const watcher = vscode.workspace.createFileSystemWatcher(pattern);
      return [watcher, watcher.onDidCreate(changed), watcher.onDidChange(changed), watcher.onDidDelete(changed)];
    });
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
  return {
    dispose: () => {
      clearTimeout(settled);
      [...watched, ...subscriptions].forEach((d) => d.dispose());
    },
  };
}
