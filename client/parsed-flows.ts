// The client's one parse of each flow (client/parsed-flow-cache.ts), shared by the diagram, CodeLens, the Flows view and the run commands.
import * as vscode from 'vscode';
import type { ParsedFlow } from '../flow/parse';
import { flowLanguage } from './lazy-bundles';
import { ParsedFlowCache } from './parsed-flow-cache';

/** The extension's cache (a closed document is forgotten, see `watchParsedFlows`). */
export const parsedFlows = new ParsedFlowCache((text) => flowLanguage().parseFlow(text));

/** The flow file as saved (what a run reads), parsed again only when its text changed. */
export async function parsedFlowFile(uri: vscode.Uri): Promise<ParsedFlow> {
  return parsedFlows.ofText(uri, new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)));
}

export function watchParsedFlows(): vscode.Disposable {
  // A closed document's entry goes; a file read from disk keeps one entry per flow, replaced when it changes.
  return vscode.workspace.onDidCloseTextDocument((document) => parsedFlows.forget(document.uri));
}
