// getFlowLanguageService: the pure language logic (no vscode, no LSP transport) behind the server, one module per feature.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type {
  CodeAction,
  CompletionList,
  Diagnostic,
  DocumentSymbol,
  Hover,
  Location,
  Position,
  Range,
  WorkspaceEdit,
} from 'vscode-languageserver-types';
import type { FlowFileSystem } from '../flow/check';
import type { FlowSchema } from '../flow/schema';
import { getCodeActions } from './features/code-actions';
import { doComplete } from './features/completion';
import { doRename, findDefinition, findReferences, prepareRename } from './features/component-references';
import { findDocumentSymbols } from './features/document-symbols';
import { doHover } from './features/hover';
import { ParsedFlowCache } from './features/parsed-flow-cache';
import { warmUp } from './features/warm-up';

export { FlowRenameError } from './features/component-references';

export interface LanguageServiceLogger {
  log(message: string): void;
  error(message: string): void;
}

export interface LanguageServiceDeps {
  readonly fs: FlowFileSystem;
  readonly logger?: LanguageServiceLogger;
  /** The flow schema: its component types, fields and docs (default: the shipped one; tests pass a copy with a new type). */
  readonly schema?: FlowSchema;
}

/** Token-like cancellation: the LSP CancellationToken fits, and so does `{ isCancellationRequested: false }`. */
export interface CancellationLike {
  readonly isCancellationRequested: boolean;
}

export class FlowRequestCancelled extends Error {
  override readonly name = 'FlowRequestCancelled';
  constructor() {
    super('The request was cancelled.');
  }
}

export interface FlowLanguageService {
  doValidation(document: TextDocument, token?: CancellationLike): Diagnostic[];
  doComplete(document: TextDocument, position: Position, token?: CancellationLike): CompletionList;
  doHover(document: TextDocument, position: Position, token?: CancellationLike): Hover | null;
  findDefinition(document: TextDocument, position: Position, token?: CancellationLike): Location[];
  findReferences(document: TextDocument, position: Position, includeDeclaration: boolean, token?: CancellationLike): Location[];
  prepareRename(document: TextDocument, position: Position, token?: CancellationLike): { range: Range; placeholder: string } | null;
  /** Throws FlowRenameError (with a sentence for the user) when `newName` cannot be used. */
  doRename(document: TextDocument, position: Position, newName: string, token?: CancellationLike): WorkspaceEdit | null;
  findDocumentSymbols(document: TextDocument, token?: CancellationLike): DocumentSymbol[];
  getCodeActions(document: TextDocument, range: Range, diagnostics: readonly Diagnostic[], token?: CancellationLike): CodeAction[];
  /** The files besides the document its diagnostics depend on (its `schema:` files that may be read). */
  findReferencedFiles(document: TextDocument): readonly string[];
  /** Drops the cached parse of a closed document. */
  forget(uri: string): void;
  /** Drops every cached check (what the file system may be asked changed: a referenced file, or the workspace was trusted). */
  forgetAll(): void;
  /** Start-up work: runs the parser and checks once, so a first open does not wait for their first run. */
  prepare(): void;
}

export function getFlowLanguageService(deps: LanguageServiceDeps): FlowLanguageService {
  const cache = new ParsedFlowCache(deps.fs, deps.schema);
  const checked = (document: TextDocument, token: CancellationLike | undefined) => {
    if (token?.isCancellationRequested) throw new FlowRequestCancelled();
    const result = cache.get(document);
    if (token?.isCancellationRequested) throw new FlowRequestCancelled();
    return result;
  };
  return {
    doValidation: (document, token) => [...checked(document, token).diagnostics],
    doComplete: (document, position, token) => doComplete(document, position, checked(document, token), deps.schema),
    doHover: (document, position, token) => doHover(document, position, checked(document, token), deps.schema),
    findDefinition: (document, position, token) => findDefinition(document, position, checked(document, token).parsed.document),
    findReferences: (document, position, includeDeclaration, token) =>
      findReferences(document, position, checked(document, token).parsed.document, includeDeclaration),
    prepareRename: (document, position, token) => prepareRename(document, position, checked(document, token).parsed.document),
    doRename: (document, position, newName, token) => doRename(document, position, newName, checked(document, token).parsed.document),
    findDocumentSymbols: (document, token) => findDocumentSymbols(document, checked(document, token).parsed.model, deps.schema),
    getCodeActions: (document, range, diagnostics, token) => getCodeActions(document, range, diagnostics, checked(document, token), deps.schema),
    findReferencedFiles: (document) => cache.get(document).referencedFiles,
    forget: (uri) => cache.forget(uri),
    forgetAll: () => cache.forgetAll(),
    prepare: () => warmUp(deps.schema),
  };
}
