// Open Run…, Open Journal, Trace Message…: read what a run's journal says.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CommandContext } from './command-context';
import { runOf, type TargetArg } from './command-targets';

export const openRun = (ctx: CommandContext) => async (arg?: TargetArg) => {
  const run = await runOf(ctx, arg, () => true, 'open');
  if (!run) return;
  await vscode.window.showTextDocument(vscode.Uri.file(path.join(run.directory, 'summary.json')));
};

export const openJournal = (ctx: CommandContext) => async (arg?: TargetArg) => {
  const run = await runOf(ctx, arg, () => true, 'open');
  if (!run) return;
  await vscode.window.showTextDocument(vscode.Uri.file(path.join(run.directory, 'journal.ndjson')));
};

interface TraceLine {
  readonly t: string;
  readonly traceId?: string;
  readonly key?: string | null;
  readonly connection?: string;
  readonly at?: string;
}

/** Every hop of one message (by trace id or key) through a run, written to the log. */
export const traceMessage = (ctx: CommandContext) => async (arg?: TargetArg, wanted?: string) => {
  const run = await runOf(ctx, arg, () => true, 'trace');
  if (!run) return undefined;
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(path.join(run.directory, 'journal.ndjson'))));
  const lines = text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as TraceLine).filter((l) => l.traceId);
  const component = arg && typeof arg === 'object' && 'component' in arg ? arg.component.name : undefined;
  const relevant = component ? lines.filter((l) => l.connection?.includes(component)) : lines;
  const target =
    wanted ??
    (await vscode.window.showQuickPick([...new Map(relevant.map((l) => [l.traceId!, { label: l.key ?? '(no key)', description: l.traceId!, id: l.traceId! }])).values()], { title: `FlowTracer: trace which message of ${run.runId}?` }))?.id;
  if (!target) return undefined;
  const hops = lines.filter((l) => l.traceId === target || l.key === target);
  ctx.log.info(`trace ${target} in run ${run.runId}:`);
  for (const hop of hops) ctx.log.info(`  ${hop.at ?? ''} ${hop.t} ${hop.connection ?? ''} key ${hop.key ?? '(none)'}`);
  ctx.log.channel.show(true);
  return hops;
};
