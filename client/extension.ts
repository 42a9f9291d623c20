// Extension entry: starts the language client and registers FlowTracer's commands.
import * as vscode from 'vscode';
import { startLanguageClient } from './language-client';
import { DiagramPanels } from './diagram/diagram-panels';
import { registerDiagramHost } from './diagram/diagram-registration';
import type { LanguageClient } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

export interface FlowTracerApi {
  readonly languageClient: LanguageClient | undefined;
  readonly diagrams: DiagramPanels;
}

export async function activate(context: vscode.ExtensionContext): Promise<FlowTracerApi> {
  const log = vscode.window.createOutputChannel('FlowTracer', { log: true });
  context.subscriptions.push(log);
  const diagrams = new DiagramPanels(context.extensionUri);
  context.subscriptions.push(
    diagrams,
    registerDiagramHost(diagrams),
    vscode.commands.registerCommand('flowtracer.showDiagram', (uri?: vscode.Uri) => diagrams.show(uri)),
    vscode.commands.registerCommand('flowtracer.showLogs', () => log.show()),
    vscode.commands.registerCommand('flowtracer.validateFlow', () =>
      vscode.commands.executeCommand('workbench.actions.view.problems'),
    ),
  );
  client = await startLanguageClient(context, log);
  return { languageClient: client, diagrams };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
