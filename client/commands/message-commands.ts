// Show Messages, Send Messages… and Redrive… on a flow's kafka or mq component (diagram node menu, CodeLens, palette).
import type * as vscode from 'vscode';
import { isMessageComponent } from '../messages/messages-panels';
import { parsedFlowFile } from '../parsed-flows';
import type { CommandContext } from './command-context';
import { flowFileOf, type DiagramNodeContext, type TargetArg } from './command-targets';

/** The flow and its kafka or mq component a message command is about: from its arguments, else picked. */
export async function messageComponentOf(ctx: CommandContext, arg: TargetArg, named: string | undefined, purpose: string): Promise<{ readonly flowFile: vscode.Uri; readonly component: string } | undefined> {
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
