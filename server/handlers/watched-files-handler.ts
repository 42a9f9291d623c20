// Has the client watch the files the open flows' diagnostics read (their `schema:` files) and reports when one changes.
import { dirname, relative, sep } from 'node:path';
import { DidChangeWatchedFilesNotification, type ClientCapabilities, type Connection, type Disposable, type TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { isInside } from '../../flow/untrusted-paths';
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
  client: { readonly watch: WatchSupport; readonly workspaceRoots: readonly string[] },
  changed: () => void,
): () => void {
  const referenced = new Map<string, readonly string[]>();
  let watching = new Set<string>();
  let registration: Promise<Disposable | undefined> = Promise.resolve(undefined);

  const update = (): void => {
    if (!client.watch.dynamic) return;
    const files = [...new Set([...referenced.values()].flat())].sort();
    if (files.length === watching.size && files.every((file) => watching.has(file))) return;
    const added = files.some((file) => !watching.has(file));
    watching = new Set(files);
    const watchers = files.map((file) => ({ globPattern: client.watch.relativePatterns ? relativePatternOf(file, client.workspaceRoots) : file }));
    // Registrations are chained: each replaces the previous one once it is in place, so a file watched by both is never unwatched.
    registration = registration
      .then(async (previous) => {
        const next = watchers.length > 0 ? await connection.client.register(DidChangeWatchedFilesNotification.type, { watchers }) : undefined;
        previous?.dispose();
        // A file that changed before its watcher was in place sent no event: check again now that it is.
        if (added) changed();
        return next;
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
  // Only the files the flows read count (a client may send every JSON file of the workspace).
  connection.onDidChangeWatchedFiles(({ changes }) => {
    if (changes.some((change) => watching.has(URI.parse(change.uri).fsPath) || !client.watch.dynamic)) changed();
  });
  return () => {
    for (const document of documents.all()) look(document);
    update();
  };
}

/**
 * The file as a pattern in the workspace folder that holds it (the workspace's own watcher sees it, and its
 * folder, appear); outside the workspace, in the file's folder.
 */
function relativePatternOf(file: string, roots: readonly string[]): { baseUri: string; pattern: string } {
  const root = roots.find((r) => isInside(file, r)) ?? dirname(file);
  return { baseUri: URI.file(root).toString(), pattern: relative(root, file).split(sep).join('/') };
}
