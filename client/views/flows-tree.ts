// The Flows view: the workspace's .flow.yaml files, their components and their problems.
import * as vscode from 'vscode';
import { parsedFlowFile } from '../parsed-flows';

export type FlowsNode =
  | { readonly kind: 'flow'; readonly uri: vscode.Uri; readonly label: string }
  | { readonly kind: 'component'; readonly uri: vscode.Uri; readonly name: string; readonly type: string; readonly offset: number }
  | { readonly kind: 'problem'; readonly uri: vscode.Uri; readonly diagnostic: vscode.Diagnostic };

export class FlowsTreeProvider implements vscode.TreeDataProvider<FlowsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<FlowsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor() {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.flow.{yaml,yml}');
    const fire = (): void => this.changed.fire(undefined);
    this.subscriptions.push(watcher, watcher.onDidCreate(fire), watcher.onDidDelete(fire), watcher.onDidChange(fire), vscode.languages.onDidChangeDiagnostics(fire));
  }

  async getChildren(node?: FlowsNode): Promise<FlowsNode[]> {
    if (!node) {
      const files = await vscode.workspace.findFiles('**/*.flow.{yaml,yml}', '**/{node_modules,.flowtracer}/**');
      return files.sort((a, b) => a.fsPath.localeCompare(b.fsPath)).map((uri) => ({ kind: 'flow', uri, label: vscode.workspace.asRelativePath(uri) }));
    }
    if (node.kind !== 'flow') return [];
    const model = (await parsedFlowFile(node.uri)).model;
    const problems = vscode.languages.getDiagnostics(node.uri).map((diagnostic): FlowsNode => ({ kind: 'problem', uri: node.uri, diagnostic }));
    return [...model.components.map((c): FlowsNode => ({ kind: 'component', uri: node.uri, name: c.name, type: c.type ?? '?', offset: c.nameSpan.start })), ...problems];
  }

  getTreeItem(node: FlowsNode): vscode.TreeItem {
    if (node.kind === 'flow') {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Collapsed);
      item.resourceUri = node.uri;
      item.contextValue = 'flow';
      item.command = { command: 'vscode.open', title: 'Open Flow', arguments: [node.uri] };
      return item;
    }
    if (node.kind === 'component') {
      const item = new vscode.TreeItem(node.name);
      item.description = node.type;
      item.iconPath = new vscode.ThemeIcon('symbol-class');
      item.contextValue = 'flowComponent';
      item.command = { command: 'flowtracer.revealOffset', title: 'Reveal', arguments: [node.uri, node.offset] };
      return item;
    }
    const d = node.diagnostic;
    const item = new vscode.TreeItem(d.message);
    item.iconPath = new vscode.ThemeIcon(d.severity === vscode.DiagnosticSeverity.Error ? 'error' : 'warning');
    item.description = `line ${d.range.start.line + 1}`;
    item.command = { command: 'vscode.open', title: 'Show Problem', arguments: [node.uri, { selection: d.range }] };
    return item;
  }

  dispose(): void {
    this.changed.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
