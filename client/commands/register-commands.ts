// Registers every FlowTracer command built from its factory.
import * as vscode from 'vscode';
import { setSecret, signIn, signOut } from './account-commands';
import type { CommandContext } from './command-context';
import { exportMessages, redriveDeadLetters, sendMessagesTo, showMessages } from './message-commands';
import { newFlow } from './new-flow-command';
import { defaultModeOf, dryRunFlow, resumeRun, retryAllFailed, retryFailedComponent, runFlow, stopRun } from './run-commands';
import { openJournal, openRun, openTrace, traceMessage } from './run-inspection-commands';
import { flowFileOf, type TargetArg } from './command-targets';

const revealOffset = () => async (uri: vscode.Uri, offset: number) => {
  const editor = await vscode.window.showTextDocument(uri);
  const at = editor.document.positionAt(offset);
  editor.selection = new vscode.Selection(at, at);
  editor.revealRange(new vscode.Range(at, at));
};

/** Validate Flow: shows the flow's problems (the language server computes them). */
const validateFlow = (ctx: CommandContext) => async (arg?: TargetArg) => {
  const uri = await flowFileOf(arg);
  if (!uri) return undefined;
  await vscode.window.showTextDocument(uri);
  const problems = vscode.languages.getDiagnostics(uri);
  ctx.log.info(`validate ${vscode.workspace.asRelativePath(uri)}: ${problems.length} problem(s)`);
  await vscode.commands.executeCommand('workbench.actions.view.problems');
  return problems.length;
};

/** Run from Here (diagram node menu): runs only the chosen component's connections onward. */
const runFromHere = (ctx: CommandContext) => async (arg?: { flowtracerUri?: string; flowtracerComponent?: string }) => {
  const uri = await flowFileOf(arg);
  if (!uri || !arg?.flowtracerComponent) return undefined;
  const { mode } = await defaultModeOf(uri);
  return ctx.runs.execute({ flowFile: uri, title: `Run from ${arg.flowtracerComponent}`, mode, command: { type: 'run', flowFile: uri.fsPath, options: { mode, only: arg.flowtracerComponent } } });
};

export function registerFlowCommands(ctx: CommandContext): vscode.Disposable[] {
  const commands: Record<string, (c: CommandContext) => (...args: never[]) => unknown> = {
    'flowtracer.runFlow': runFlow,
    'flowtracer.dryRunFlow': dryRunFlow,
    'flowtracer.retryFailedComponent': retryFailedComponent,
    'flowtracer.retryComponent': retryFailedComponent,
    'flowtracer.retryAllFailed': retryAllFailed,
    'flowtracer.resumeRun': resumeRun,
    'flowtracer.stopRun': stopRun,
    'flowtracer.validateFlow': validateFlow,
    'flowtracer.newFlow': newFlow,
    'flowtracer.openRun': openRun,
    'flowtracer.openJournal': openJournal,
    'flowtracer.traceMessage': traceMessage,
    'flowtracer.traceComponent': traceMessage,
    'flowtracer.openTrace': openTrace,
    'flowtracer.runFromHere': runFromHere,
    'flowtracer.showMessages': showMessages,
    'flowtracer.sendMessages': sendMessagesTo,
    'flowtracer.redrive': redriveDeadLetters,
    'flowtracer.exportMessages': exportMessages,
    'flowtracer.setSecret': setSecret,
    'flowtracer.signIn': signIn,
    'flowtracer.signOut': signOut,
    'flowtracer.showLogs': (c) => () => c.log.channel.show(),
    'flowtracer.refreshRuns': (c) => () => c.runsTree.refresh(),
    'flowtracer.revealOffset': revealOffset,
  };
  return Object.entries(commands).map(([id, factory]) => vscode.commands.registerCommand(id, factory(ctx)));
}
