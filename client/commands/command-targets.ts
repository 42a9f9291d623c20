// Which flow file or run a command is about: its argument (a URI, a Runs view node, a diagram node menu) or a pick.
import * as vscode from 'vscode';
import { failedComponents, type RunRecord } from '../runs/run-history';
import type { RunsNode } from '../views/runs-tree';
import type { CommandContext } from './command-context';

export interface DiagramNodeContext {
  readonly flowtracerUri?: string;
  readonly flowtracerComponent?: string;
}

/** A command argument as it may arrive: from the palette, an editor menu, CodeLens, the Runs view or the diagram. */
export type TargetArg = vscode.Uri | RunsNode | DiagramNodeContext | string | undefined;

export async function flowFileOf(arg: TargetArg): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string') return vscode.Uri.file(arg);
  if (arg && 'flowtracerUri' in arg && arg.flowtracerUri) return vscode.Uri.parse(arg.flowtracerUri);
  if (arg && 'run' in arg) return vscode.Uri.file(arg.run.flowFile);
  const active = vscode.window.activeTextEditor?.document;
  if (active && /\.flow\.ya?ml$/.test(active.uri.path)) return active.uri;
  const files = await vscode.workspace.findFiles('**/*.flow.{yaml,yml}', '**/node_modules/**');
  if (files.length === 1) return files[0];
  const pick = await vscode.window.showQuickPick(
    files.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
    { title: 'FlowTracer: which flow?', placeHolder: files.length ? 'Pick a flow file' : 'No .flow.yaml file in this workspace' },
  );
  return pick?.uri;
}

/** The run an argument names, else the newest run matching `filter`, else a pick among them. */
export async function runOf(ctx: CommandContext, arg: TargetArg, filter: (r: RunRecord) => boolean, purpose: string): Promise<RunRecord | undefined> {
  await ctx.runsTree.refresh();
  if (arg && typeof arg === 'object' && 'run' in arg) return arg.run;
  if (typeof arg === 'string') return ctx.runsTree.history.find((r) => r.runId === arg);
  let candidates = ctx.runsTree.history.filter(filter);
  const file = arg && typeof arg === 'object' && 'flowtracerUri' in arg && arg.flowtracerUri ? vscode.Uri.parse(arg.flowtracerUri).fsPath : undefined;
  if (file) candidates = candidates.filter((r) => r.flowFile === file);
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(`No run to ${purpose}: the Runs view lists every run of this workspace.`);
    return undefined;
  }
  if (candidates.length === 1 || file) return candidates[0];
  const pick = await vscode.window.showQuickPick(
    candidates.map((run) => ({ label: `${run.flow} · ${run.runId}`, description: `${run.status} · ${run.startedAt}`, run })),
    { title: `FlowTracer: which run to ${purpose}?` },
  );
  return pick?.run;
}

export function hasFailed(run: RunRecord): boolean {
  return failedComponents(run).length > 0;
}
