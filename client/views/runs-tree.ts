// The Runs view: run history from the journals, run -> components with status icons, counts and durations.
import * as vscode from 'vscode';
import { durationText } from '../../protocol/duration-text';
import { describeActor } from '../../flow/actor';
import { deliveredText } from '../../protocol/delivery-wording';
import { readRunHistory, type ComponentRun, type RunRecord } from '../runs/run-history';

export type RunsNode = { readonly kind: 'run'; readonly run: RunRecord } | { readonly kind: 'component'; readonly run: RunRecord; readonly component: ComponentRun };

const ICONS: Record<string, [string, string | undefined]> = {
  succeeded: ['pass', 'testing.iconPassed'],
  failed: ['error', 'testing.iconFailed'],
  interrupted: ['debug-pause', 'list.warningForeground'],
  stopped: ['debug-stop', 'list.warningForeground'],
  blocked: ['circle-slash', 'list.warningForeground'],
  running: ['sync~spin', undefined],
  skipped: ['dash', undefined],
  pending: ['circle-outline', undefined],
};

function icon(status: string): vscode.ThemeIcon {
  const [id, color] = ICONS[status] ?? ['question', undefined];
  return new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
}

function duration(ms: number | undefined): string {
  return ms === undefined ? '' : ` · ${durationText(ms)}`;
}

export class RunsTreeProvider implements vscode.TreeDataProvider<RunsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private runs: RunRecord[] = [];

  constructor(private readonly runsDir: () => string | undefined) {}

  /** Re-reads the journals; resolves once the view's data is current. */
  async refresh(): Promise<void> {
    const dir = this.runsDir();
    this.runs = dir ? await readRunHistory(dir) : [];
    this.changed.fire(undefined);
  }

  get history(): readonly RunRecord[] {
    return this.runs;
  }

  getTreeItem(node: RunsNode): vscode.TreeItem {
    if (node.kind === 'run') {
      const r = node.run;
      const item = new vscode.TreeItem(`${r.flow} · ${r.runId}`, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = r.runId;
      // A dry run wrote nothing: it says what it would have delivered.
      const would = r.mode === 'dry-run' ? ` · ${deliveredText(r.components.reduce((n, c) => n + c.received, 0), true)}` : '';
      item.description = `${r.status} · ${r.mode}${would}${r.actor ? ` · ${describeActor(r.actor)}` : ''}`;
      item.tooltip = new vscode.MarkdownString(
        [`**${r.flow}** run \`${r.runId}\``, `status: ${r.status}`, `mode: ${r.mode}`, `started: ${r.startedAt}`, `by: ${r.actors.map(describeActor).join(', ') || 'unknown'}`, r.error ? `error: ${r.error}` : ''].filter(Boolean).join('  \n'),
      );
      item.iconPath = icon(r.status);
      item.contextValue = `run${r.components.some((c) => c.status === 'failed' || c.parked > 0) ? '.failed' : ''}${r.status === 'interrupted' ? '.interrupted' : ''}`;
      return item;
    }
    const c = node.component;
    const item = new vscode.TreeItem(c.name, vscode.TreeItemCollapsibleState.None);
    item.id = `${node.run.runId}/${c.name}`;
    const received = node.run.mode === 'dry-run' ? `would receive ${c.received}` : `${c.received} received`;
    item.description = `${c.status} · ${received}${c.parked ? ` · ${c.parked} parked` : ''}${duration(c.durationMs)}`;
    item.iconPath = icon(c.status);
    item.contextValue = `component${c.status === 'failed' || c.parked > 0 ? '.failed' : ''}`;
    return item;
  }

  getChildren(node?: RunsNode): RunsNode[] {
    if (!node) return this.runs.map((run) => ({ kind: 'run', run }));
    if (node.kind === 'run') return node.run.components.map((component) => ({ kind: 'component', run: node.run, component }));
    return [];
  }

  dispose(): void {
    this.changed.dispose();
  }
}
