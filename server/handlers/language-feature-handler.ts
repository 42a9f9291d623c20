// Turns LSP language-feature requests into language-service calls on the current document version.
import type { CancellationToken, Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { FlowLanguageService } from '../language-service';
import { compactCompletionList } from './compact-completions';
import type { Guard } from './guarded-request';

export function registerLanguageFeatures(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  service: FlowLanguageService,
  guard: Guard,
  client: { readonly takesCompletionEditRange: boolean },
): void {
  /** A guarded handler on the open document a request names; `null` when it is not open. */
  const onDocument = <Params extends { textDocument: { uri: string } }, Result>(
    name: string,
    feature: (document: TextDocument, params: Params, token: CancellationToken) => Result,
  ) =>
    guard(name, (params: Params, token) => {
      const document = documents.get(params.textDocument.uri);
      return document ? feature(document, params, token) : null;
    });

  connection.onCompletion(onDocument('completion', (d, p, t) => compactCompletionList(service.doComplete(d, p.position, t), client.takesCompletionEditRange)));
  connection.onHover(onDocument('hover', (d, p, t) => service.doHover(d, p.position, t)));
  connection.onDefinition(onDocument('definition', (d, p, t) => service.findDefinition(d, p.position, t)));
  connection.onReferences(onDocument('references', (d, p, t) => service.findReferences(d, p.position, p.context.includeDeclaration, t)));
  connection.onPrepareRename(onDocument('prepareRename', (d, p, t) => service.prepareRename(d, p.position, t)));
  connection.onRenameRequest(onDocument('rename', (d, p, t) => service.doRename(d, p.position, p.newName, t)));
  connection.onDocumentSymbol(onDocument('documentSymbol', (d, _p, t) => service.findDocumentSymbols(d, t)));
  connection.onCodeAction(onDocument('codeAction', (d, p, t) => service.getCodeActions(d, p.range, p.context.diagnostics, t)));
}
