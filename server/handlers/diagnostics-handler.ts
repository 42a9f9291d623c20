// Diagnostics of open flows: answered when the client pulls them (textDocument/diagnostic), pushed to clients that cannot pull.
import { DocumentDiagnosticReportKind, type ClientCapabilities, type Connection, type TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { FlowLanguageService } from '../language-service';
import type { Guard } from './guarded-request';

/** How the client takes diagnostics, read from its capabilities at initialize. */
export interface DiagnosticsMode {
  /** It pulls them (`textDocument.diagnostic`); otherwise the server publishes them. */
  readonly pull: boolean;
  /** It re-pulls when asked (`workspace.diagnostics.refreshSupport`). */
  readonly refresh: boolean;
}

export function diagnosticsModeOf(capabilities: ClientCapabilities): DiagnosticsMode {
  return { pull: capabilities.textDocument?.diagnostic !== undefined, refresh: capabilities.workspace?.diagnostics?.refreshSupport === true };
}

/**
 * Registers the diagnostics of either mode, both computed by `service.doValidation`. Returns what to call when
 * something outside the documents' text changed (a referenced file, trust): pull clients are asked to pull
 * again, push clients get every open document's diagnostics again.
 */
export function registerDiagnostics(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  service: FlowLanguageService,
  guard: Guard,
  client: { readonly diagnostics: DiagnosticsMode },
): () => void {
  connection.languages.diagnostics.on(
    guard('diagnostic', (params, token) => {
      const document = documents.get(params.textDocument.uri);
      return { kind: DocumentDiagnosticReportKind.Full, items: document ? service.doValidation(document, token) : [] };
    }),
  );

  const publish = (document: TextDocument): void => {
    try {
      void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics: service.doValidation(document) });
    } catch (error) {
      connection.console.error(`validation of ${document.uri} failed: ${(error as Error).stack ?? String(error)}`);
    }
  };
  // An open is a content change too: a push client gets an opened file's diagnostics at once.
  documents.onDidChangeContent((event) => {
    if (!client.diagnostics.pull) publish(event.document);
  });
  documents.onDidClose((event) => {
    if (!client.diagnostics.pull) void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
  });

  return () => {
    const { pull, refresh } = client.diagnostics;
    if (!pull) for (const document of documents.all()) publish(document);
    else if (refresh) connection.languages.diagnostics.refresh().catch((error: unknown) => connection.console.error(`diagnostics refresh failed: ${String(error)}`));
  };
}
