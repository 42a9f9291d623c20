// "Export Resolved Flow": opens the flow with defaults applied, kinds inferred and env values resolved (none in an untrusted workspace, never a credential's) in a new untitled editor.
import * as vscode from 'vscode';
import { checkFlow } from '../flow/check';
import { DiagnosticSeverity } from '../flow/diagnostic';
import { EXPORT_FORMATS, formatResolvedFlow, type ExportFormat } from '../flow/export/format-resolved';
import { resolveFlow } from '../flow/export/resolve-flow';

/**
 * The command (registered as `flowtracer.exportResolvedFlow`); arguments are for the editor tests,
 * from the palette it asks for the format. In an untrusted workspace the flow is exported with its
 * `${env:…}` as written: a stranger's flow could otherwise copy this machine's environment into a
 * document meant to be shared.
 */
export async function exportResolvedFlow(trusted: boolean, target?: vscode.Uri, format?: ExportFormat): Promise<vscode.TextDocument | undefined> {
  const document = target ? await vscode.workspace.openTextDocument(target) : vscode.window.activeTextEditor?.document;
  if (!document || document.languageId !== 'flow-yaml') {
    void vscode.window.showInformationMessage('Open a .flow.yaml file to export it resolved.');
    return undefined;
  }
  const text = document.getText();
  const errors = checkFlow(text).diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error).length;
  if (errors > 0) {
    void vscode.window.showErrorMessage(`The flow has ${errors} error${errors === 1 ? '' : 's'}; fix ${errors === 1 ? 'it' : 'them'} (see Problems) before exporting.`);
    return undefined;
  }
  const chosen = format ?? ((await vscode.window.showQuickPick([...EXPORT_FORMATS], { title: 'Export the resolved flow as' })) as ExportFormat | undefined);
  if (!chosen) return undefined;
  const { flow, unresolvedEnv } = resolveFlow(text, trusted ? process.env : undefined);
  const exported = await vscode.workspace.openTextDocument({ language: chosen, content: formatResolvedFlow(flow, chosen) });
  await vscode.window.showTextDocument(exported, { preview: false });
  if (!trusted) void vscode.window.showInformationMessage('The workspace is not trusted: the flow is exported with its ${env:…} references as written.');
  if (unresolvedEnv.length > 0) {
    void vscode.window.showWarningMessage(`Not set and without a default, left as written: ${unresolvedEnv.map((n) => `\${env:${n}}`).join(', ')}.`);
  }
  return exported;
}
