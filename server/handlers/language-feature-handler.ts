// Turns LSP language-feature requests into language-service calls on the current document version.
import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { FlowLanguageService } from '../language-service';
import type { Guard } from './guarded-request';

export function registerLanguageFeatures(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  service: FlowLanguageService,
  guard: Guard,
): void {
  const documentOf = (uri: string): TextDocument | undefined => documents.get(uri);

  connection.onCompletion(
    guard('completion', (params, token) => {
      const document = documentOf(params.textDocument.uri);
      return document ? service.doComplete(document, params.position, token) : null;
    }),
  );
  connection.onHover(
    guard('hover', (params, token) => {
      const document = documentOf(params.textDocument.uri);
      return document ? service.doHover(document, params.position, token) : null;
    }),
  );
  connection.onDefinition(
    guard('definition', (params, token) => {
      const document = documentOf(params.textDocument.uri);
      return document ? service.findDefinition(document, params.position, token) : null;
    }),
  );
  connection.onReferences(
    guard('references', (params, token) => {
      const document = documentOf(params.textDocument.uri);
      return document ? service.findReferences(document, params.position, params.context.includeDeclaration, token) : null;
    }),
  );
  connection.onPrepareRename(
    guard('prepareRename', (params, token) => {
      const document = documentOf(params.textDocument.uri);
      return document ? service.prepareRename(document, params.position, token) : null;
    }),
  );
  connection.onRenameRequest(
    guard('rename', (params, token) => {
      const document = documentOf(params.textDocument.uri);
      return document ? service.doRename(document, params.position, params.newName, token) : null;
    }),
  );
  connection.onDocumentSymbol(
    guard('documentSymbol', (params, token) => {
      const document = documentOf(params.textDocument.uri);
      return document ? service.findDocumentSymbols(document, token) : null;
    }),
  );
  connection.onCodeAction(
    guard('codeAction', (params, token) => {
      const document = documentOf(params.textDocument.uri);
      return document ? service.getCodeActions(document, params.range, params.context.diagnostics, token) : null;
    }),
  );
}
