// The editor suites' common ground: the activated FlowTracer API and flow files in the test workspace.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FlowTracerApi, FlowTracerTestHooks } from '../../../client/extension';

/** The activated API with its test seams, which the extension exposes only in ExtensionMode.Test. */
export type TestedApi = FlowTracerApi & { readonly test: FlowTracerTestHooks };

export async function flowTracer(): Promise<TestedApi> {
  const extension = vscode.extensions.getExtension<FlowTracerApi>('flowtracer.flowtracer');
  assert.ok(extension, 'the FlowTracer extension is loaded');
  const api = await extension.activate();
  assert.ok(api.test, 'the extension runs in ExtensionMode.Test, so its test seams are there');
  return api as TestedApi;
}

export function workspaceFolder(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  assert.ok(folder, 'a workspace folder is open');
  return folder;
}

export async function writeFlow(name: string, text: string): Promise<vscode.Uri> {
  const uri = vscode.Uri.joinPath(workspaceFolder(), name);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return uri;
}

/** Writes a flow into the workspace and shows it in an editor. */
export async function openFlow(name: string, text: string): Promise<{ uri: vscode.Uri; document: vscode.TextDocument }> {
  const uri = await writeFlow(name, text);
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document);
  return { uri, document };
}
