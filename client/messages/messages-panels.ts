// The Messages panels, one per kafka or mq component of a flow, beside the editor.
import * as vscode from 'vscode';
import type { FlowComponent } from '../../flow/model';
import { MESSAGES_VIEW_TYPE, type MessagesTarget, type MessagesViewState } from '../../protocol/messages-view';
import { diagramWebviewOptions } from '../diagram/diagram-panel';
import { restorableDocument } from '../diagram/diagram-registration';
import type { ExternalLinks } from '../commands/external-links';
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

  constructor(private readonly extensionUri: vscode.Uri, private readonly runs: RunController, private readonly log: FlowLog, private readonly links: ExternalLinks) {}

  /** Opens (or reveals) the component's panel; undefined when the flow has no such kafka or mq component (the user is told). */
  async show(flowFile: vscode.Uri, name: string): Promise<MessagesPanel | undefined> {
    const existing = this.panels.get(panelKey(flowFile, name));
    if (existing) {
      existing.panel.reveal(vscode.ViewColumn.Beside, false);
      return existing;
    }
    const target = await this.targetOf(flowFile, name);
    if (!target) return undefined;
    const panel = vscode.window.createWebviewPanel(MESSAGES_VIEW_TYPE, `Messages: ${name}`, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, diagramWebviewOptions(this.extensionUri));
    return this.bind(panel, flowFile, target, false);
  }

  /** Binds a panel VS Code restored after a reload to its component again; it waits for Browse. */
  async adopt(panel: vscode.WebviewPanel, flowFile: vscode.Uri, name: string): Promise<MessagesPanel | undefined> {
    const target = this.panels.has(panelKey(flowFile, name)) ? undefined : await this.targetOf(flowFile, name);
    if (!target) {
      panel.dispose();
      return undefined;
    }
    return this.bind(panel, flowFile, target, true);
  }

  private async targetOf(flowFile: vscode.Uri, name: string): Promise<MessagesTarget | undefined> {
    const { model } = await parsedFlowFile(flowFile);
    const component = model.components.find((c) => c.name === name);
    if (!component || !isMessageComponent(component)) {
      void vscode.window.showWarningMessage(component ? `${name} is a ${component.type ?? 'component of no type'}: FlowTracer shows the messages of kafka and mq components.` : `The flow has no component ${name}.`);
      return undefined;
    }
    const where = component.type === 'kafka' ? component.props['topic'] : component.props['queue'];
    return { flow: model.id ?? vscode.workspace.asRelativePath(flowFile), component: name, componentType: component.type, where: typeof where === 'string' ? where : '', flowUri: flowFile.toString() };
  }

  private bind(panel: vscode.WebviewPanel, flowFile: vscode.Uri, target: MessagesTarget, restored: boolean): MessagesPanel {
    const key = panelKey(flowFile, target.component);
    const bound = new MessagesPanel(panel, flowFile, target, this.extensionUri, this.runs, this.log, this.links, restored);
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

/** Restores Messages panels after a reload, only for a flow inside the workspace and a component it still has. */
export function messagesSerializer(panels: MessagesPanels, log: FlowLog): vscode.WebviewPanelSerializer<unknown> {
  return {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
      const restorable = restorableDocument(state);
      const component = typeof state === 'object' && state !== null ? (state as Partial<MessagesViewState>).component : undefined;
      if ('refused' in restorable || typeof component !== 'string' || restorable.uri.scheme !== 'file') {
        log.write({ level: 'warn', text: `did not restore a Messages panel: ${'refused' in restorable ? restorable.refused : 'the saved state names no flow file and component'}` });
        panel.dispose();
        return;
      }
      await panels.adopt(panel, restorable.uri, component);
    },
  };
}
