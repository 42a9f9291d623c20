// The reference: yaml-language-server's own language service validating a document against the flow schema, in process.
import { readFileSync } from 'node:fs';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { getLanguageService } from 'yaml-language-server';

/** Returns a function that validates a text and resolves with the number of diagnostics. */
export async function yamlLanguageServiceValidator(schemaPath: string, schemaUri: string): Promise<(text: string, version: number) => Promise<number>> {
  const schemaText = readFileSync(schemaPath, 'utf8');
  const service = getLanguageService({
    schemaRequestService: (uri: string) => (uri === schemaUri ? Promise.resolve(schemaText) : Promise.reject(new Error(`no schema at ${uri}`))),
    workspaceContext: { resolveRelativePath: (relativePath: string) => relativePath },
  });
  service.configure({ validate: true, completion: false, hover: false, schemas: [{ uri: schemaUri, fileMatch: ['*.flow.yaml'] }] });
  // Warm the schema cache once, as a running server would have.
  await service.doValidation(TextDocument.create('file:///bench/warm.flow.yaml', 'yaml', 0, 'flow: x\n'), false);
  return async (text, version) => (await service.doValidation(TextDocument.create('file:///bench/generated.flow.yaml', 'yaml', version, text), false)).length;
}
