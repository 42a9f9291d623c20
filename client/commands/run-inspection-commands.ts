// Open Run…, Open Journal, Trace Message…: read what a run's journal says.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readJournalRecords } from '../../protocol/journal-files';
import { JOURNAL_FILE, SUMMARY_FILE, type JournalRecord } from '../../protocol/journal-records';
import type { CommandContext } from './command-context';
import { runOf, type TargetArg } from './command-targets';

export const openRun = (ctx: CommandContext) => async (arg?: TargetArg) => {
  const run = await runOf(ctx, arg, () => true, 'open');
  if (!run) return;
  await vscode.window.showTextDocument(vscode.Uri.file(path.join(run.directory, SUMMARY_FILE)));
};

export const openJournal = (ctx: CommandContext) => async (arg?: TargetArg) => {
  const run = await runOf(ctx, arg, () => true, 'open');
  if (!run) return;
  await vscode.window.showTextDocument(vscode.Uri.file(path.join(run.directory, JOURNAL_FILE)));
};

/** The records that carry a message's trace id: one hop each. */
const HOP_RECORDS = ['in-flight', 'delivered', 'filtered', 'parked', 'reply'] as const;
type Hop = Extract<JournalRecord, { t: (typeof HOP_RECORDS)[number] }>;
const connectionOf = (hop: Hop): string => (hop.t === 'reply' ? hop.component : hop.connection);

/** Every hop of one message (by trace id or key) through a run, written to the log. */
export const traceMessage = (ctx: CommandContext) => async (arg?: TargetArg, wanted?: string) => {
  const run = await runOf(ctx, arg, () => true, 'trace');
  if (!run) return undefined;
  // Every process's event log, through the journal protocol (a torn last line is ignored).
  const lines = await readJournalRecords(run.directory, HOP_RECORDS);
  const component = arg && typeof arg === 'object' && 'component' in arg ? arg.component.name : undefined;
  const relevant = component ? lines.filter((l) => connectionOf(l).includes(component)) : lines;
  const target =
    wanted ??
    (await vscode.window.showQuickPick([...new Map(relevant.map((l) => [l.traceId, { label: l.key ?? '(no key)', description: l.traceId, id: l.traceId }])).values()], { title: `FlowTracer: trace which message of ${run.runId}?` }))?.id;
  if (!target) return undefined;
  const hops = lines.filter((l) => l.traceId === target || l.key === target);
  ctx.log.info(`trace ${target} in run ${run.runId}:`);
  for (const hop of hops) ctx.log.info(`  ${hop.at} ${hop.t} ${connectionOf(hop)} key ${hop.key ?? '(none)'}`);
  ctx.log.channel.show(true);
  if (hops.length > 0) ctx.walkthrough.mark('tracedMessage');
  return hops;
};
