// Open Run…, Open Journal, Trace Message…, Open Trace: read what a run's journal says (in the runs folder or the run store), or show a message's trace in the tracing UI.
import { stat } from 'node:fs/promises';
import * as vscode from 'vscode';
import { durationText } from '../../protocol/duration-text';
import { TRACE_RECORDS, tracePathOf, type TraceRecord } from '../../protocol/trace-path';
import { settings } from '../settings';
import { traceUrl } from '../runs/tracing-settings';
import type { CommandContext } from './command-context';
import { runOf, type TargetArg } from './command-targets';
import type { RunRecord } from '../runs/run-history';
import type { RunDocument, RunSource } from '../runs/run-sources';

/** The run an argument names (or a pick) and where it was listed from, to read the rest of it there. */
async function listedRun(ctx: CommandContext, arg: TargetArg, purpose: string): Promise<{ run: RunRecord; source: RunSource } | undefined> {
  const run = await runOf(ctx, arg, () => true, purpose);
  const source = ctx.runsTree.source;
  return run && source ? { run, source } : undefined;
}

const openDocument = (part: RunDocument) => (ctx: CommandContext) => async (arg?: TargetArg) => {
  const listed = await listedRun(ctx, arg, 'open');
  if (!listed) return undefined;
  return vscode.window.showTextDocument(await listed.source.document(listed.run, part));
};

/** Open Run: the run's summary (a store's run as a JSON document: it is not on this disk). */
export const openRun = openDocument('summary');
/** Open Journal: the run's event log (a store's run: every process's records, in order). */
export const openJournal = openDocument('journal');

/** The records that carry a message's trace id: one hop each (a trace also reads run-start, for the connections). */
type Hop = Exclude<TraceRecord, { t: 'run-start' }>;
type RunStart = Extract<TraceRecord, { t: 'run-start' }>;
const connectionOf = (hop: Hop): string => (hop.t === 'reply' ? hop.component : hop.connection);

/** The run's hop records and the trace id (or key) of the message asked for: given, or picked among the run's (of a component, from its item). */
async function pickMessage(ctx: CommandContext, arg: TargetArg, wanted: string | undefined, purpose: string): Promise<{ run: RunRecord; starts: RunStart[]; lines: Hop[]; target: string } | undefined> {
  const listed = await listedRun(ctx, arg, purpose);
  if (!listed) return undefined;
  const { run, source } = listed;
  // Every process's event log, read once (of a folder, through the journal protocol: a torn last line is ignored; of a store, one query).
  const records = await source.records(run, TRACE_RECORDS);
  const starts = records.filter((r): r is RunStart => r.t === 'run-start');
  const lines = records.filter((r): r is Hop => r.t !== 'run-start');
  const component = arg && typeof arg === 'object' && 'component' in arg ? arg.component.name : undefined;
  const relevant = component ? lines.filter((l) => connectionOf(l).includes(component)) : lines;
  const target =
    wanted ??
    (await ctx.prompts.pick([...new Map(relevant.map((l) => [l.traceId, { label: l.key ?? '(no key)', description: l.traceId, id: l.traceId }])).values()], { title: `FlowTracer: ${purpose} which message of ${run.runId}?` }))?.id;
  return target ? { run, starts, lines, target } : undefined;
}

/**
 * Every hop of one message (by trace id or key) through a run, written to the log with each hop's
 * measured duration, and its path drawn on the flow's diagram (opened beside when it is not).
 */
export const traceMessage = (ctx: CommandContext) => async (arg?: TargetArg, wanted?: string) => {
  const picked = await pickMessage(ctx, arg, wanted, 'trace');
  if (!picked) return undefined;
  const { run, starts, lines, target } = picked;
  const hops = lines.filter((l) => l.traceId === target || l.key === target);
  const path = tracePathOf([...starts, ...hops], target);
  const indexOf = new Map(starts.flatMap((s) => s.connections ?? []).map((c) => [c.connection, c.connectionIndex]));
  ctx.log.info(`trace ${target} in run ${run.runId}:`);
  for (const hop of hops) {
    const index = indexOf.get(connectionOf(hop));
    const ms = (hop.t === 'delivered' || hop.t === 'parked') && index !== undefined ? path?.durations?.[index] : undefined;
    ctx.log.info(`  ${hop.at} ${hop.t} ${connectionOf(hop)} key ${hop.key ?? '(none)'}${ms === undefined ? '' : ` (${durationText(ms)})`}`);
  }
  ctx.log.channel.show(true);
  if (path && run.flowFile && (await exists(run.flowFile))) {
    const flow = vscode.Uri.file(run.flowFile);
    await ctx.diagrams.show(flow);
    ctx.diagrams.showTrace(flow, path);
  }
  if (hops.length > 0) ctx.walkthrough.mark('tracedMessage');
  return hops;
};

const exists = (file: string): Promise<boolean> => stat(file).then(() => true, () => false);

/** Open Trace: the message's trace in the tracing UI (`flowtracer.tracing.uiUrl`: Zipkin, Jaeger…), by trace id or key. */
export const openTrace = (ctx: CommandContext) => async (arg?: TargetArg, wanted?: string) => {
  const picked = await pickMessage(ctx, arg, wanted, 'open the trace of');
  if (!picked) return undefined;
  const traceId = picked.lines.find((l) => l.traceId === picked.target || l.key === picked.target)?.traceId ?? picked.target;
  const url = traceUrl(settings().traceUiUrl, traceId);
  ctx.log.info(`open trace ${traceId} of run ${picked.run.runId}: ${url}`);
  await ctx.links.open(vscode.Uri.parse(url, true));
  return url;
};
