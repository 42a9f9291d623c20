// Run Flow…, Dry Run Flow, Retry Failed Component…, Retry All Failed, Resume Run, Stop Run.
import * as vscode from 'vscode';
import { VALIDATION_MODES } from '../../flow/model';
import { flowLanguage } from '../lazy-bundles';
import { failedComponents } from '../runs/run-history';
import { settings } from '../settings';
import type { CommandContext } from './command-context';
import type { Prompter } from './prompts';
import { flowFileOf, hasFailed, runOf, type TargetArg } from './command-targets';

async function defaultModeOf(uri: vscode.Uri): Promise<string> {
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  const written = flowLanguage().parseFlow(text).model.defaults['validation'];
  return typeof written === 'string' ? written : settings().defaultValidationMode || 'warn';
}

async function pickMode(prompts: Prompter, uri: vscode.Uri): Promise<string | undefined> {
  const preferred = await defaultModeOf(uri);
  const items = VALIDATION_MODES.filter((m) => m !== 'dry-run').map((mode) => ({ label: mode, description: mode === preferred ? "the flow's default" : '', picked: mode === preferred }));
  items.sort((a, b) => Number(b.picked) - Number(a.picked));
  return (await prompts.pick(items, { title: 'FlowTracer: validate payloads how?', placeHolder: `Validation mode (the flow's default is ${preferred})` }))?.label;
}

/**
 * A run's summary names the flow file it runs; one outside the workspace folders (a summary edited,
 * or copied from elsewhere) is run only when the user says so.
 */
async function recordedFlowAllowed(ctx: CommandContext, runId: string, flowFile: string): Promise<boolean> {
  if (vscode.workspace.getWorkspaceFolder(vscode.Uri.file(flowFile))) return true;
  const run = { label: 'Run It', description: flowFile };
  const picked = await ctx.prompts.pick([run, { label: 'Cancel' }], { title: `FlowTracer: run ${runId} names the flow file ${flowFile}, which is outside the workspace folders. Run that file?` });
  return picked?.label === run.label;
}

/** Runs after the run so the Runs view shows the journal as it now is. */
async function finish(ctx: CommandContext, outcome: unknown): Promise<unknown> {
  await ctx.runsTree.refresh();
  return outcome;
}

export const runFlow = (ctx: CommandContext) => async (arg?: TargetArg, mode?: string) => {
  const uri = await flowFileOf(arg);
  if (!uri) return undefined;
  if (arg && typeof arg === 'object' && 'run' in arg && !(await recordedFlowAllowed(ctx, arg.run.runId, uri.fsPath))) return undefined;
  const chosen = mode ?? (await pickMode(ctx.prompts, uri));
  if (!chosen) return undefined;
  return finish(ctx, await ctx.runs.execute({ flowFile: uri, title: 'Run', mode: chosen, command: { type: 'run', flowFile: uri.fsPath, options: { mode: chosen as never } } }));
};

export const dryRunFlow = (ctx: CommandContext) => async (arg?: TargetArg) => {
  const uri = await flowFileOf(arg);
  if (!uri) return undefined;
  return finish(ctx, await ctx.runs.execute({ flowFile: uri, title: 'Dry run', mode: 'dry-run', command: { type: 'run', flowFile: uri.fsPath, options: { mode: 'dry-run' } } }));
};

export const retryFailedComponent = (ctx: CommandContext) => async (arg?: TargetArg, component?: string) => {
  const run = await runOf(ctx, arg, hasFailed, 'retry');
  if (!run || !(await recordedFlowAllowed(ctx, run.runId, run.flowFile))) return undefined;
  const named = component ?? (arg && typeof arg === 'object' && 'component' in arg ? arg.component.name : undefined) ?? (arg && typeof arg === 'object' && 'flowtracerComponent' in arg ? arg.flowtracerComponent : undefined);
  const failed = failedComponents(run);
  const chosen = named ?? (failed.length === 1 ? failed[0] : (await vscode.window.showQuickPick(failed, { title: `FlowTracer: retry which component of ${run.runId}?` })));
  if (!chosen) return undefined;
  return finish(ctx, await ctx.runs.execute({ flowFile: vscode.Uri.file(run.flowFile), title: `Retry ${chosen} of`, mode: run.mode, command: { type: 'retry', runId: run.runId, component: chosen } }));
};

export const retryAllFailed = (ctx: CommandContext) => async (arg?: TargetArg) => {
  const run = await runOf(ctx, arg, hasFailed, 'retry');
  if (!run || !(await recordedFlowAllowed(ctx, run.runId, run.flowFile))) return undefined;
  return finish(ctx, await ctx.runs.execute({ flowFile: vscode.Uri.file(run.flowFile), title: 'Retry failed of', mode: run.mode, command: { type: 'retry', runId: run.runId } }));
};

export const resumeRun = (ctx: CommandContext) => async (arg?: TargetArg) => {
  const run = await runOf(ctx, arg, (r) => r.status === 'interrupted' || r.status === 'stopped', 'resume');
  if (!run || !(await recordedFlowAllowed(ctx, run.runId, run.flowFile))) return undefined;
  return finish(ctx, await ctx.runs.execute({ flowFile: vscode.Uri.file(run.flowFile), title: 'Resume', mode: run.mode, command: { type: 'resume', runId: run.runId } }));
};

export const stopRun = (ctx: CommandContext) => () => {
  if (!ctx.runs.stop()) void vscode.window.showInformationMessage('No FlowTracer run is going on.');
};
