// The Runs view: run history from the runs folder or the run store, run -> components with status icons, counts and durations.
import * as vscode from 'vscode';
import { durationText } from '../../protocol/duration-text';
import { describeActor } from '../../flow/actor';
import { deliveredText } from '../../protocol/delivery-wording';
import type { ComponentRun, RunRecord } from '../runs/run-history';
import type { RunSource } from '../runs/run-sources';

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
  private listedFrom: RunSource | undefined;
  private reading: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  constructor(
    /** The folder or the store, as the settings are now. */
    private readonly sourceNow: () => RunSource | undefined,
    /** A store that cannot be read (the view then lists nothing), on each read that fails. */
    private readonly unreadable: (error: unknown) => void,
  ) {}

  /**
   * Re-reads the runs; resolves once the view's data is current. A refresh asked while one reads waits for it and reads
   * once more after (a store read takes an executor child: several asks at once share one more read).
   */
  refresh(): Promise<void> {
    if (!this.reading) return (this.reading = this.read().finally(() => (this.reading = undefined)));
    return (this.queued ??= this.reading.then(() => {
      this.queued = undefined;
      return this.refresh();
    }));
  }

  private async read(): Promise<void> {
    const source = this.sourceNow();
    try {
      this.runs = source ? await source.listRuns() : [];
    } catch (error) {
      this.runs = [];
      this.unreadable(error);
    }
    this.listedFrom = source;
    this.changed.fire(undefined);
  }

  get history(): readonly RunRecord[] {
    return this.runs;
  }

  /** Where the runs of `history` were read: what a command reads the rest of a run from. */
  get source(): RunSource | undefined {
    return this.listedFrom;
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
