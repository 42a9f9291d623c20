// Redrive…: a kafka or mq component's dead letters grouped by origin and reason (a dry run: what would go where), the groups picked, then each move as an ordinary run of the executor.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExecutorCommand, ExecutorEvent, RedriveFlowView, RedriveGroupView, RunStatus } from '../../protocol/executor-events';
import type { CommandContext } from '../commands/command-context';
import { defaultModeOf } from '../commands/run-commands';
import { parsedFlowFile } from '../parsed-flows';
import type { AdmittedFlow } from '../runs/run-controller';
import { runsDirFor, settings } from '../settings';
import { withMessageChild } from './message-child';
import { isMessageComponent } from './messages-panels';

type Planned = Extract<ExecutorEvent, { type: 'redrive-planned' }>;

/** One move's run: where it went and how it ended (`runId` undefined when a gate refused or it did not start). */
export interface RedriveRun extends RedriveFlowView {
  readonly runId: string | undefined;
  readonly status: RunStatus | 'not started';
}

/** What Redrive… did: the groups it read (the dry run), and each move's run. */
export interface RedriveResult {
  readonly groups: readonly RedriveGroupView[];
  readonly notDeadLetters: number;
  readonly runs: readonly RedriveRun[];
}

const THEIR_ORIGINS = 'Back to their origins';
const STRIP = 'Strip the dead-lettering headers';
const BY_SEARCH = '$(search) Only those matching a search…';
const KEEP = 'Keep them';

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** Where the written flows go: beside the runs folder (as `flowtracer redrive` writes them beside `--runs-dir`). */
function redrivesFolder(flowFile: vscode.Uri): string {
  const runsDir = runsDirFor(flowFile);
  return runsDir ? path.join(path.dirname(runsDir), 'redrives') : path.join(path.dirname(flowFile.fsPath), '.flowtracer', 'redrives');
}

/** One `redrive-plan` in an executor child of its own, under a cancellable notification: its answer, or undefined (the user was told). */
async function plan(ctx: CommandContext, admitted: AdmittedFlow, command: Extract<ExecutorCommand, { type: 'redrive-plan' }>, title: string): Promise<Planned | undefined> {
  let planned: Planned | undefined;
  const failed = `FlowTracer could not read the dead letters of ${command.component}`;
  const outcome = await withMessageChild(admitted, ctx.log, command, title, failed, (event) => {
    if (event.type === 'redrive-planned') planned = event;
  });
  if (!outcome || outcome.stopped) return undefined;
  if (planned?.note) ctx.log.info(`redrive ${command.component}: ${planned.note}`);
  if (planned?.error) {
    ctx.log.write({ level: 'error', text: `redrive ${command.component}: ${planned.error}` });
    void vscode.window.showErrorMessage(`${failed}: ${planned.error}`);
    return undefined;
  }
  return planned;
}

/** The component every group goes to: their origins, unless some have none in the flow; then the user says. */
async function destination(ctx: CommandContext, flowFile: vscode.Uri, component: string, groups: readonly RedriveGroupView[]): Promise<{ readonly to?: string } | undefined> {
  if (groups.every((g) => g.to !== null)) return {};
  const homed = groups.filter((g) => g.to !== null).length;
  const others = (await parsedFlowFile(flowFile)).model.components.filter((c) => isMessageComponent(c) && c.name !== component);
  const picked = await ctx.prompts.pick([
    { label: THEIR_ORIGINS, description: homed === 0 ? "no group's origin is a component of this flow: they would stay" : `${homed} of ${groups.length} groups; the other ${groups.length - homed} would stay` },
    ...others.map((c) => ({ label: c.name, description: `every group to ${c.type} ${String((c.type === 'kafka' ? c.props['topic'] : c.props['queue']) ?? '')}` })),
  ], { title: `FlowTracer: redrive the dead letters of ${component} where?`, placeHolder: 'Some origins are no component of this flow' });
  if (!picked) return undefined;
  return picked.label === THEIR_ORIGINS ? {} : { to: picked.label };
}

function describeGroup(g: RedriveGroupView, to: string | null): string {
  return `${plural(g.count, 'message')} → ${to ?? 'nowhere: no component of the flow is this origin'}${g.tooOften > 0 ? `, ${g.tooOften} redriven too often (left)` : ''}`;
}

/** Redrive… of one component: undefined when cancelled or refused (the user was told). */
export async function redriveComponent(ctx: CommandContext, flowFile: vscode.Uri, component: string): Promise<RedriveResult | undefined> {
  const admitted = await ctx.runs.admit(flowFile);
  if (!admitted) return undefined;
  const maxRedrives = settings().redriveMaxRedrives;
  const base = { type: 'redrive-plan' as const, flowFile: flowFile.fsPath, component, maxRedrives };
  const surveyed = await plan(ctx, admitted, base, `FlowTracer: reading the dead letters of ${component}`);
  if (!surveyed) return undefined;
  const { groups, notDeadLetters } = surveyed;
  const movable = groups.filter((g) => g.count > 0);
  const left = groups.reduce((n, g) => n + g.tooOften, 0);
  const aside = [notDeadLetters > 0 ? `${plural(notDeadLetters, 'message')} not dead-lettered` : '', left > 0 ? `${left} redriven ${maxRedrives} times already` : ''].filter(Boolean).join(', ');
  ctx.log.info(`redrive ${component}: ${plural(groups.length, 'group')} of dead letters${aside ? ` (left: ${aside})` : ''}`);
  for (const g of groups) ctx.log.info(`  ${g.origin} (${g.reason}): ${describeGroup(g, g.to)}`);
  if (movable.length === 0) {
    void vscode.window.showInformationMessage(`No dead letters to redrive in ${component}${aside ? ` (left: ${aside})` : ''}.`);
    return { groups, notDeadLetters, runs: [] };
  }
  const where = await destination(ctx, flowFile, component, movable);
  if (!where) return undefined;
  const items: (vscode.QuickPickItem & { readonly group?: RedriveGroupView })[] = movable.map((g) => {
    const to = where.to ?? g.to;
    return { label: `${g.origin} · ${g.reason}`, description: describeGroup(g, to), picked: to !== null, group: g };
  });
  items.push({ label: BY_SEARCH, description: 'of the groups picked (or all): text in the payload, the key or a header' });
  const chosen = await ctx.prompts.pickMany(items, { title: `FlowTracer: redrive which dead letters of ${component}?`, placeHolder: 'What would go where (nothing moves yet): pick the groups to move' });
  if (!chosen || chosen.length === 0) return undefined;
  const picked = chosen.flatMap((i) => (i.group ? [{ group: i.group }] : []));
  let search: { readonly text: string } | undefined;
  if (chosen.some((i) => i.label === BY_SEARCH)) {
    const text = await ctx.prompts.input({ title: `FlowTracer: redrive the dead letters of ${component} that hold`, prompt: 'Text in the payload, the key or a header (case-insensitive)' });
    if (!text) return undefined;
    search = { text };
    if (picked.length === 0) picked.push(...movable.filter((g) => (where.to ?? g.to) !== null).map((group) => ({ group })));
  }
  const headers = await ctx.prompts.pick([
    { label: STRIP, description: 'x-death, x-original-topic, Spring\'s and Kafka Connect\'s (x-flowtracer-redriven is counted up either way)' },
    { label: KEEP, description: 'the messages keep every header they have' },
  ], { title: 'FlowTracer: the headers the dead-lettering added?' });
  if (!headers) return undefined;
  const written = await plan(ctx, admitted, {
    ...base, ...where, ...(search ? { search } : {}), picks: picked.map((i) => ({ origin: i.group.origin, reason: i.group.reason, count: i.group.count })),
    write: { folder: redrivesFolder(flowFile), keepHeaders: headers.label === KEEP },
  }, `FlowTracer: planning the redrive of ${component}`);
  if (!written) return undefined;
  if (search) ctx.log.info(`redrive ${component}: ${plural((written.flows ?? []).reduce((n, f) => n + f.count, 0), 'dead letter')} of the groups picked hold "${search.text}"`);
  const runs: RedriveRun[] = [];
  for (const flow of written.flows ?? []) {
    const uri = vscode.Uri.file(flow.flowFile);
    ctx.log.info(`redrive ${component}: ${flow.origin} → ${flow.to}, ${plural(flow.count, 'message')} (flow ${vscode.workspace.asRelativePath(uri)})`);
    const { mode } = await defaultModeOf(uri);
    const outcome = await ctx.runs.execute({ flowFile: uri, title: `Redrive ${component} → ${flow.to},`, mode, command: { type: 'run', flowFile: flow.flowFile, options: { mode } } });
    runs.push({ ...flow, runId: outcome?.runId, status: outcome?.status ?? 'not started' });
    if (!outcome || outcome.status === 'stopped') break;
  }
  await ctx.runsTree.refresh();
  report(component, runs, written.flows ?? [], left);
  return { groups: written.groups, notDeadLetters, runs };
}

function report(component: string, runs: readonly RedriveRun[], flows: readonly RedriveFlowView[], left: number): void {
  const moved = runs.filter((r) => r.status === 'succeeded');
  const count = moved.reduce((n, r) => n + r.count, 0);
  const stays = left > 0 ? ` ${plural(left, 'message')} redriven too often ${left === 1 ? 'stays' : 'stay'} in ${component}.` : '';
  if (moved.length === flows.length) {
    void vscode.window.showInformationMessage(`Redrove ${plural(count, 'dead letter')} of ${component}: ${moved.map((r) => `${r.count} to ${r.to}`).join(', ')}.${stays}`);
    return;
  }
  const failed = flows.filter((f) => !moved.some((r) => r.flowFile === f.flowFile)).map((f) => f.to);
  void vscode.window.showWarningMessage(`Redrive of ${component}: ${failed.join(', ')} did not finish; see the Runs view (retry or resume it there).${stays}`);
}
