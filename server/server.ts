// The FlowTracer language server: LSP wiring only; the language logic lives in language-service.ts.
import { existsSync } from 'node:fs';
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { getFlowLanguageService } from './language-service';
import { registerValidation } from './handlers/validation-handler';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const service = getFlowLanguageService({ fs: { exists: existsSync } });

connection.onInitialize(() => ({
  capabilities: {
    textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
  },
  serverInfo: { name: 'flowtracer-language-server', version: '0.1.0' },
}));

registerValidation(connection, documents, service);

documents.listen(connection);
connection.listen();
