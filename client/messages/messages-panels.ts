// The Messages panels, one per kafka or mq component of a flow, beside the editor.
import * as vscode from 'vscode';
import type { FlowComponent } from '../../flow/model';
import { MESSAGES_VIEW_TYPE, type MessagesTarget } from '../../protocol/messages-view';
import { diagramWebviewOptions } from '../diagram/diagram-panel';
import type { FlowLog } from '../log/flow-log';
import { parsedFlowFile } from '../parsed-flows';
import type { RunController } from '../runs/run-controller';
import { MessagesPanel } from './messages-panel';

/** The components whose messages can be browsed, sent and redriven. */
export function isMessageComponent(component: FlowComponent): component is FlowComponent & { type: 'kafka' | 'mq' } {
  return component.type === 'kafka' || component.type === 'mq';
}

/** A component whose name, topic or queue says it holds dead letters (`orders.DLT`, `payments-dlq`, `DeadLetters`): its CodeLens offers Redrive…. */
export function looksLikeDeadLetters(component: FlowComponent): boolean {
  const named = [component.name, component.props['topic'], component.props['queue']].filter((v): v is string => typeof v === 'string');
  return isMessageComponent(component) && named.some((n) => /(^|[^a-z])(dlq|dlt)([^a-z]|$)|dead[-_. ]?letters?/i.test(n));
}

export class MessagesPanels implements vscode.Disposable {
  private readonly panels = new Map<string, MessagesPanel>();
  private readonly adopted = new vscode.EventEmitter<MessagesPanel>();
  /** Fires when a panel is bound to its component. */
  readonly onDidAdopt = this.adopted.event;

  constructor(private readonly extensionUri: vscode.Uri, private readonly runs: RunController, private readonly log: FlowLog) {}

  /** Opens (or reveals) the component's panel; undefined when the flow has no such kafka or mq component (the user is told). */
  async show(flowFile: vscode.Uri, name: string): Promise<MessagesPanel | undefined> {
    const key = panelKey(flowFile, name);
    const existing = this.panels.get(key);
    if (existing) {
      existing.panel.reveal(vscode.ViewColumn.Beside, false);
      return existing;
    }
    const { model } = await parsedFlowFile(flowFile);
    const component = model.components.find((c) => c.name === name);
    if (!component || !isMessageComponent(component)) {
      void vscode.window.showWarningMessage(component ? `${name} is a ${component.type ?? 'component of no type'}: FlowTracer shows the messages of kafka and mq components.` : `The flow has no component ${name}.`);
      return undefined;
    }
    const where = component.type === 'kafka' ? component.props['topic'] : component.props['queue'];
    const target: MessagesTarget = { flow: model.id ?? vscode.workspace.asRelativePath(flowFile), component: name, componentType: component.type, where: typeof where === 'string' ? where : '' };
    const panel = vscode.window.createWebviewPanel(MESSAGES_VIEW_TYPE, `Messages: ${name}`, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, diagramWebviewOptions(this.extensionUri));
    const bound = new MessagesPanel(panel, flowFile, target, this.extensionUri, this.runs, this.log);
    panel.onDidDispose(() => {
      bound.dispose();
      if (this.panels.get(key) === bound) this.panels.delete(key);
    });
    this.panels.set(key, bound);
    this.adopted.fire(bound);
    return bound;
  }

  /** The open panel of a component, if any. */
  panelFor(flowFile: vscode.Uri, name: string): MessagesPanel | undefined {
    return this.panels.get(panelKey(flowFile, name));
  }

  dispose(): void {
    for (const bound of this.panels.values()) bound.panel.dispose();
    this.panels.clear();
    this.adopted.dispose();
  }
}

function panelKey(flowFile: vscode.Uri, name: string): string {
  return `${flowFile.toString()}#${name}`;
}
