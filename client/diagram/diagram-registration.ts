// Registers the diagram's host side: the panel serializer, the Reveal menu command, New Flow from Diagram and Export Resolved Flow.
import * as vscode from 'vscode';
import { DIAGRAM_VIEW_TYPE, type DiagramViewState, type NodeMenuContext } from '../../protocol/webview-messages';
import { EXPORT_RESOLVED_COMMAND, exportResolvedFlow } from '../export-command';
import type { DiagramPanels } from './diagram-panels';

export const REVEAL_COMMAND = 'flowtracer.diagram.revealComponent';
export const NEW_FLOW_FROM_CANVAS_COMMAND = 'flowtracer.newFlowFromCanvas';

/** The smallest valid flow: the palette fills in the components. */
export const EMPTY_FLOW = 'flow: new-flow\ncomponents: {}\n';

/** Opens an untitled flow and its empty diagram; saving it is the editor's usual Save As. */
async function newFlowFromCanvas(panels: DiagramPanels): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument({ language: 'flow-yaml', content: EMPTY_FLOW });
  await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One });
  await panels.show(document.uri);
  return document;
}

export function registerDiagramHost(panels: DiagramPanels): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.window.registerWebviewPanelSerializer(DIAGRAM_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: DiagramViewState | undefined) {
        if (typeof state?.uri !== 'string' || state.uri === '') {
          panel.dispose();
          return;
        }
        await panels.adopt(panel, vscode.Uri.parse(state.uri));
      },
    }),
    // Called from the node's `webview/context` menu with the node's data-vscode-context.
    vscode.commands.registerCommand(REVEAL_COMMAND, async (context?: Partial<NodeMenuContext>) => {
      if (context?.flowtracerUri && context.flowtracerComponent) {
        await panels.reveal(vscode.Uri.parse(context.flowtracerUri), context.flowtracerComponent);
      }
    }),
    vscode.commands.registerCommand(NEW_FLOW_FROM_CANVAS_COMMAND, () => newFlowFromCanvas(panels)),
    vscode.commands.registerCommand(EXPORT_RESOLVED_COMMAND, exportResolvedFlow),
  );
}
