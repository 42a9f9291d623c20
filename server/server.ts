// The FlowTracer language server: LSP wiring only; the language logic lives in language-service.ts.
import { existsSync } from 'node:fs';
import { workerData } from 'node:worker_threads';
import { CodeActionKind, createConnection, PortMessageReader, PortMessageWriter, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { type LanguageServerWorkerData, WORKSPACE_TRUSTED_NOTIFICATION } from '../protocol/language-server';
import { getFlowLanguageService } from './language-service';
import { createGuard } from './handlers/guarded-request';
import { registerLanguageFeatures } from './handlers/language-feature-handler';
import { diagnosticsModeOf, registerDiagnostics } from './handlers/diagnostics-handler';
import { registerWatchedFiles, watchSupportOf } from './handlers/watched-files-handler';

// In a worker thread (how VS Code runs it: client/language-client.ts) the transport is the port it was given; in a
// process of its own (another editor) createConnection picks it from argv: --stdio, --node-ipc or --socket.
const port = (workerData as LanguageServerWorkerData | null)?.languageServerPort;
const connection = port
  ? createConnection(ProposedFeatures.all, new PortMessageReader(port), new PortMessageWriter(port))
  : createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
/**
 * Until the client says the workspace is trusted (initializationOptions.trusted, then the
 * `flowtracer/workspaceTrusted` notification), `untrustedRoots` holds its folders and only `schema:` paths
 * inside them are looked at. A client that says nothing about trust (another editor) is trusted, as before.
 */
const files: { exists(path: string): boolean; untrustedRoots: readonly string[] | undefined } = { exists: existsSync, untrustedRoots: undefined };
const service = getFlowLanguageService({
  fs: files,
  logger: { log: (message) => connection.console.log(message), error: (message) => connection.console.error(message) },
});

process.on('uncaughtException', (error) => connection.console.error(`uncaught: ${error.stack ?? String(error)}`));
process.on('unhandledRejection', (reason) => connection.console.error(`unhandled rejection: ${String(reason)}`));

/** What the client said it can take, read once at initialize. */
const client = {
  takesCompletionEditRange: false,
  diagnostics: diagnosticsModeOf({}),
  watch: watchSupportOf({}),
  /** The workspace folders' paths (the referenced files in them are watched through the workspace's watcher). */
  workspaceRoots: [] as readonly string[],
};

connection.onInitialize((params) => {
  const options = params.initializationOptions as { trusted?: unknown } | undefined;
  const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
  client.workspaceRoots = folders.map((uri) => URI.parse(uri)).filter((uri) => uri.scheme === 'file').map((uri) => uri.fsPath);
  if (options?.trusted === false) files.untrustedRoots = client.workspaceRoots;
  client.takesCompletionEditRange = params.capabilities.textDocument?.completion?.completionList?.itemDefaults?.includes('editRange') ?? false;
  client.diagnostics = diagnosticsModeOf(params.capabilities);
  client.watch = watchSupportOf(params.capabilities);
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      completionProvider: { triggerCharacters: [':', ' '], resolveProvider: false },
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      renameProvider: { prepareProvider: true },
      documentSymbolProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite] },
      // No flow depends on another's text; its `schema:` files are watched instead (watched-files-handler.ts).
      ...(client.diagnostics.pull ? { diagnosticProvider: { interFileDependencies: false, workspaceDiagnostics: false } } : {}),
    },
    serverInfo: { name: 'flowtracer-language-server', version: '0.1.0' },
  };
});

const guard = createGuard(connection);
const refreshDiagnostics = registerDiagnostics(connection, documents, service, guard, client);
const rewatch = registerWatchedFiles(connection, documents, service, client, () => {
  service.forgetAll();
  refreshDiagnostics();
});
connection.onNotification(WORKSPACE_TRUSTED_NOTIFICATION, () => {
  if (!files.untrustedRoots) return;
  files.untrustedRoots = undefined;
  service.forgetAll();
  rewatch();
  refreshDiagnostics();
});
registerLanguageFeatures(connection, documents, service, guard, client);
documents.onDidClose((event) => service.forget(event.document.uri));

// Once the client has its answer to initialize (so its start is not held up), and before the first open is handled
// (messages wait while it runs): that open then finds the parser and the checks warm.
connection.onInitialized(() => {
  setImmediate(() => service.prepare());
});
documents.listen(connection);
connection.listen();
