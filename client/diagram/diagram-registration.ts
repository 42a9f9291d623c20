// Registers the diagram's host side: the panel serializer, the Reveal menu command, New Flow from Diagram and Export Resolved Flow.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DIAGRAM_VIEW_TYPE, type DiagramViewState, type NodeMenuContext } from '../../protocol/webview-messages';
import type { ExportFormat } from '../../flow/export/format-resolved';
import { flowLanguage } from '../lazy-bundles';
import type { FlowLog } from '../log/flow-log';
import type { DiagramPanels } from './diagram-panels';

const REVEAL_COMMAND = 'flowtracer.diagram.revealComponent';
const NEW_FLOW_FROM_CANVAS_COMMAND = 'flowtracer.newFlowFromCanvas';
/** Export Resolved Flow (client/export-command.ts, in the flow-language bundle). */
const EXPORT_RESOLVED_COMMAND = 'flowtracer.exportResolvedFlow';

/** The smallest valid flow: the palette fills in the components. */
const EMPTY_FLOW = 'flow: new-flow\ncomponents: {}\n';

/** Opens an untitled flow and its empty diagram; saving it is the editor's usual Save As. */
async function newFlowFromCanvas(panels: DiagramPanels): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument({ language: 'flow-yaml', content: EMPTY_FLOW });
  await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One });
  await panels.show(document.uri);
  return document;
}

/**
 * The document a restored panel may show: a file inside a workspace folder, or an untitled flow. The state comes
 * from the webview (a page script can set it), so anything else is refused with the reason.
 */
export function restorableDocument(state: unknown): { readonly uri: vscode.Uri } | { readonly refused: string } {
  const named = typeof state === 'object' && state !== null ? (state as Partial<DiagramViewState>).uri : undefined;
  if (typeof named !== 'string' || named === '') return { refused: 'the saved state names no document' };
  let uri: vscode.Uri;
  try {
    uri = vscode.Uri.parse(named, true);
  } catch {
    return { refused: `the saved state names "${named}", which is not a URI` };
  }
  if (uri.scheme === 'untitled') return { uri };
  // `..` segments would walk out of a folder that the prefix test below still matches.
  const normal = uri.with({ path: path.posix.normalize(uri.path), query: '', fragment: '' });
  if (!vscode.workspace.getWorkspaceFolder(normal)) return { refused: `${normal.scheme === 'file' ? normal.fsPath : normal.toString()} is not inside a workspace folder` };
  return { uri: normal };
}

/** Restores diagram panels after a reload, only for documents inside the workspace. */
export function diagramSerializer(panels: DiagramPanels, log: FlowLog): vscode.WebviewPanelSerializer<unknown> {
  return {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
      const restorable = restorableDocument(state);
      if ('refused' in restorable) {
        log.write({ level: 'warn', text: `did not restore a diagram: ${restorable.refused}` });
        panel.dispose();
        return;
      }
      await panels.adopt(panel, restorable.uri);
    },
  };
}

/** `isTrusted`: the workspace trust, which Export Resolved Flow asks before resolving anything. */
export function registerDiagramHost(panels: DiagramPanels, log: FlowLog, isTrusted: () => boolean): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.window.registerWebviewPanelSerializer(DIAGRAM_VIEW_TYPE, diagramSerializer(panels, log)),
    // Called from the node's `webview/context` menu with the node's data-vscode-context.
    vscode.commands.registerCommand(REVEAL_COMMAND, async (context?: Partial<NodeMenuContext>) => {
      if (context?.flowtracerUri && context.flowtracerComponent) {
        await panels.reveal(vscode.Uri.parse(context.flowtracerUri), context.flowtracerComponent);
      }
    }),
    vscode.commands.registerCommand(NEW_FLOW_FROM_CANVAS_COMMAND, () => newFlowFromCanvas(panels)),
    vscode.commands.registerCommand(EXPORT_RESOLVED_COMMAND, (target?: vscode.Uri, format?: ExportFormat) => flowLanguage().exportResolvedFlow(isTrusted(), target, format)),
  );
}
