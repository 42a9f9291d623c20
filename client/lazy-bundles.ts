// The client's bundles that activation does not load: each is required on its first use (esbuild.mjs builds them as files of their own).
import type * as FlowLanguage from './flow-language';
import type * as LanguageClientBundle from './language-client';

function onFirstUse<T>(load: () => T): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load());
}

/** Parsing, checking and editing flows (yaml, ajv, the schema): the Flows view, CodeLens, diagram, export, runs. */
export const flowLanguage = onFirstUse(() => require('./flow-language') as typeof FlowLanguage);

/** vscode-languageclient: loaded when the first flow-yaml document is open. */
export const languageClientBundle = onFirstUse(() => require('./language-client') as typeof LanguageClientBundle);
