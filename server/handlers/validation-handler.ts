// Publishes diagnostics for open flows, debounced while typing; results for stale versions are dropped.
import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { FlowLanguageService } from '../language-service';

export const VALIDATION_DELAY_MS = 120;

/** Returns a function that validates every open document again (after something outside the text changed). */
export function registerValidation(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  service: FlowLanguageService,
): () => void {
  const pending = new Map<string, NodeJS.Timeout>();

  const validate = (document: TextDocument): void => {
    const version = document.version;
    try {
      const diagnostics = service.doValidation(document);
      const current = documents.get(document.uri);
      if (!current || current.version !== version) return;
      void connection.sendDiagnostics({ uri: document.uri, version, diagnostics });
    } catch (error) {
      connection.console.error(`validation of ${document.uri} failed: ${(error as Error).stack ?? String(error)}`);
    }
  };

  const schedule = (document: TextDocument, delay: number): void => {
    clearTimeout(pending.get(document.uri));
    pending.set(
      document.uri,
      setTimeout(() => {
        pending.delete(document.uri);
        const latest = documents.get(document.uri);
        if (latest) validate(latest);
      }, delay),
    );
  };

  // TextDocuments reports an open as a content change too: the first one validates at once, typing waits.
  const opened = new Set<string>();
  documents.onDidChangeContent((event) => {
    const typing = opened.has(event.document.uri);
    opened.add(event.document.uri);
    schedule(event.document, typing ? VALIDATION_DELAY_MS : 0);
  });
  documents.onDidClose((event) => {
    opened.delete(event.document.uri);
    clearTimeout(pending.get(event.document.uri));
    pending.delete(event.document.uri);
    void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
  });
  return () => {
    for (const document of documents.all()) schedule(document, 0);
  };
}
