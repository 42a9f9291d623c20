// Has the client watch the files the open flows' diagnostics read (their `schema:` files) and reports when one changes.
import { basename, dirname } from 'node:path';
import { DidChangeWatchedFilesNotification, type ClientCapabilities, type Connection, type Disposable, type TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import type { FlowLanguageService } from '../language-service';

/** What the client can watch for the server, read from its capabilities at initialize. */
export interface WatchSupport {
  /** It takes `workspace/didChangeWatchedFiles` registrations from the server. */
  readonly dynamic: boolean;
  /** Its watchers take a folder and a pattern in it (a file outside the workspace too). */
  readonly relativePatterns: boolean;
}

export function watchSupportOf(capabilities: ClientCapabilities): WatchSupport {
  const watched = capabilities.workspace?.didChangeWatchedFiles;
  return { dynamic: watched?.dynamicRegistration === true, relativePatterns: watched?.relativePatternSupport === true };
}

/**
 * Keeps one registration whose watchers are the referenced files of every open document, and calls `changed`
 * on any watched-file event. Returns what to call when the referenced files may differ without a text change
 * (the workspace was trusted: paths it refused are read now).
 */
export function registerWatchedFiles(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  service: FlowLanguageService,
  client: { readonly watch: WatchSupport },
  changed: () => void,
): () => void {
  const referenced = new Map<string, readonly string[]>();
  let watching = '';
  let registration: Promise<Disposable | undefined> = Promise.resolve(undefined);

  const update = (): void => {
    if (!client.watch.dynamic) return;
    const files = [...new Set([...referenced.values()].flat())].sort();
    if (files.join('\n') === watching) return;
    watching = files.join('\n');
    const watchers = files.map((file) => ({
      globPattern: client.watch.relativePatterns ? { baseUri: URI.file(dirname(file)).toString(), pattern: basename(file) } : file,
    }));
    // Registrations are chained: each replaces the previous one once that one is in place.
    registration = registration
      .then(async (previous) => {
        previous?.dispose();
        return watchers.length > 0 ? await connection.client.register(DidChangeWatchedFilesNotification.type, { watchers }) : undefined;
      })
      .catch((error: unknown) => {
        connection.console.error(`watching the referenced files failed: ${String(error)}`);
        return undefined;
      });
  };
  const look = (document: TextDocument): void => {
    try {
      referenced.set(document.uri, service.findReferencedFiles(document));
    } catch (error) {
      connection.console.error(`reading the references of ${document.uri} failed: ${(error as Error).stack ?? String(error)}`);
    }
  };

  documents.onDidChangeContent((event) => {
    look(event.document);
    update();
  });
  documents.onDidClose((event) => {
    referenced.delete(event.document.uri);
    update();
  });
  connection.onDidChangeWatchedFiles(() => changed());
  return () => {
    for (const document of documents.all()) look(document);
    update();
  };
}
