// Registers the diagram's host side: the panel serializer (panels come back after a reload) and the Reveal menu command.
import * as vscode from 'vscode';
import { DIAGRAM_VIEW_TYPE, type DiagramViewState, type NodeMenuContext } from '../../protocol/webview-messages';
import type { DiagramPanels } from './diagram-panels';

export const REVEAL_COMMAND = 'flowtracer.diagram.revealComponent';

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
  );
}
