// Show Messages, Send Messages… and Redrive… on a flow's kafka or mq component (diagram node menu, CodeLens, palette).
import * as vscode from 'vscode';
import type { BrowseRequest, SendSource } from '../../protocol/executor-events';
import { snippetLines } from '../messages/message-snippet';
import { redriveComponent } from '../messages/dead-letter-redrive';
import { exportFromComponent, WHOLE_COMPONENT } from '../messages/message-exporter';
import { sendToComponent } from '../messages/message-sender';
import { isMessageComponent } from '../messages/messages-panels';
import { flowLanguage } from '../lazy-bundles';
import { parsedFlowFile } from '../parsed-flows';
import type { CommandContext } from './command-context';
import { flowFileOf, type DiagramNodeContext, type TargetArg } from './command-targets';

/** The flow and its kafka or mq component a message command is about: from its arguments, else picked. */
async function messageComponentOf(ctx: CommandContext, arg: TargetArg, named: string | undefined, purpose: string): Promise<{ readonly flowFile: vscode.Uri; readonly component: string } | undefined> {
  const flowFile = await flowFileOf(arg);
  if (!flowFile) return undefined;
  const fromNode = arg && typeof arg === 'object' && 'flowtracerComponent' in arg ? (arg as DiagramNodeContext).flowtracerComponent : undefined;
  const given = named ?? fromNode;
  if (given) return { flowFile, component: given };
  const candidates = (await parsedFlowFile(flowFile)).model.components.filter(isMessageComponent);
  const picked = await ctx.prompts.pick(candidates.map((c) => ({ label: c.name, description: `${c.type} ${String((c.type === 'kafka' ? c.props['topic'] : c.props['queue']) ?? '')}` })), {
    title: `FlowTracer: ${purpose} which component?`,
    placeHolder: candidates.length > 0 ? 'A kafka or mq component of the flow' : 'The flow has no kafka or mq component',
  });
  return picked ? { flowFile, component: picked.label } : undefined;
}

/** Show Messages: the component's Messages panel, browsing it at once. */
export const showMessages = (ctx: CommandContext) => async (arg?: TargetArg, component?: string) => {
  const chosen = await messageComponentOf(ctx, arg, component, 'show the messages of');
  if (!chosen) return undefined;
  return ctx.messages.show(chosen.flowFile, chosen.component);
};

/** Where Send Messages… reads: the `messages` argument (an .ndjson file), else the active editor's selection or text, else a file picked. */
async function messagesSource(ctx: CommandContext, messages: vscode.Uri | undefined): Promise<{ readonly source: SendSource; readonly described: string } | undefined> {
  if (messages) return { source: { file: messages.fsPath }, described: vscode.workspace.asRelativePath(messages) };
  const editor = vscode.window.activeTextEditor;
  const document = editor && !/\.flow\.ya?ml$/.test(editor.document.uri.path) ? editor.document : undefined;
  const name = document ? vscode.workspace.asRelativePath(document.uri) : '';
  const items: (vscode.QuickPickItem & { readonly from: 'selection' | 'document' | 'file' })[] = [
    ...(editor && document && !editor.selection.isEmpty ? [{ label: `The selection in ${name}`, description: 'a JSON or YAML list, one JSON or YAML message, or .ndjson lines', from: 'selection' as const }] : []),
    ...(document ? [{ label: `All of ${name}`, description: document.isDirty || document.isUntitled ? 'as it is in the editor' : 'one message a line', from: 'document' as const }] : []),
    { label: 'An .ndjson file…', description: 'one { key, headers, value } a line', from: 'file' },
  ];
  const picked = items.length === 1 ? items[0] : await ctx.prompts.pick(items, { title: 'FlowTracer: send which messages?' });
  if (!picked) return undefined;
  if (picked.from === 'file') {
    const [file] = (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Messages (.ndjson)': ['ndjson', 'jsonl'], 'All files': ['*'] }, title: 'FlowTracer: send the messages of' })) ?? [];
    return file ? { source: { file: file.fsPath }, described: vscode.workspace.asRelativePath(file) } : undefined;
  }
  if (picked.from === 'selection') return { source: { text: snippetLines(document!.getText(editor!.selection), flowLanguage().parseYaml) }, described: `the selection in ${name}` };
  // A saved .ndjson file is streamed from disk; what only the editor holds, and JSON or YAML, is sent as its text.
  if (document!.uri.scheme === 'file' && !document!.isDirty && /\.(ndjson|jsonl)$/i.test(document!.uri.path)) return { source: { file: document!.uri.fsPath }, described: name };
  return { source: { text: snippetLines(document!.getText(), flowLanguage().parseYaml) }, described: name };
}

/** Send Messages…: to the component, from an .ndjson file, a selection or a snippet, through the executor (a count at the end). */
export const sendMessagesTo = (ctx: CommandContext) => async (arg?: TargetArg, component?: string, messages?: vscode.Uri) => {
  const chosen = await messageComponentOf(ctx, arg, component, 'send messages to');
  if (!chosen) return undefined;
  const from = await messagesSource(ctx, messages);
  if (!from) return undefined;
  return sendToComponent(ctx.runs, ctx.log, chosen.flowFile, chosen.component, from.source, from.described);
};

/** Redrive…: the component's dead letters grouped by origin and reason, the groups picked, each move a run of its own. */
export const redriveDeadLetters = (ctx: CommandContext) => async (arg?: TargetArg, component?: string) => {
  const chosen = await messageComponentOf(ctx, arg, component, 'redrive the dead letters of');
  if (!chosen) return undefined;
  return redriveComponent(ctx, chosen.flowFile, chosen.component);
};

/**
 * Export Messages…: the component's messages (all of them; from the Messages panel, what its form asks for) to an
 * .ndjson file, `file` or one picked; browsed, so nothing changes at the source.
 */
export const exportMessages = (ctx: CommandContext) => async (arg?: TargetArg, component?: string, file?: vscode.Uri, request: BrowseRequest = WHOLE_COMPONENT) => {
  const chosen = await messageComponentOf(ctx, arg, component, 'export the messages of');
  if (!chosen) return undefined;
  const folder = vscode.workspace.getWorkspaceFolder(chosen.flowFile)?.uri ?? vscode.Uri.joinPath(chosen.flowFile, '..');
  const to = file ?? (await ctx.prompts.saveAs({ defaultUri: vscode.Uri.joinPath(folder, `${chosen.component}.ndjson`), filters: { 'Messages (.ndjson)': ['ndjson', 'jsonl'] }, title: `FlowTracer: export the messages of ${chosen.component} to` }));
  if (!to) return undefined;
  return exportFromComponent(ctx.runs, ctx.log, chosen.flowFile, chosen.component, request, to);
};
