// Keeps the last parsed flow per (uri, version), so features after validation do not reparse (its checks
// run once, when diagnostics are first read), and a parse session per document, so a new version
// re-reads only the parts of the text that changed.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { type CheckedFlow, diagnoseFlow, type FlowFileSystem } from '../../flow/check';
import { referencedSchemaFiles } from '../../flow/connection-checks';
import type { Diagnostic } from '../../flow/diagnostic';
import { FlowParseSession } from '../../flow/incremental-parse';
import type { FlowSchema } from '../../flow/schema';
import { URI } from 'vscode-uri';

/** A document's checked flow, with the files its checks read (`schema:`), computed on first use. */
export interface CachedFlow extends CheckedFlow {
  readonly referencedFiles: readonly string[];
}

interface Entry {
  readonly session: FlowParseSession;
  /** The last version's check; dropped (the session kept) when something outside the text changed. */
  last?: { readonly version: number; readonly text: string; readonly checked: CachedFlow };
}

export class ParsedFlowCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly fs: FlowFileSystem,
    private readonly schema?: FlowSchema,
    private readonly capacity = 32,
  ) {}

  get(document: TextDocument): CachedFlow {
    const text = document.getText();
    const entry = this.entries.get(document.uri) ?? { session: new FlowParseSession() };
    // The text comparison guards hosts that reuse a version number for different content.
    if (entry.last && entry.last.version === document.version && entry.last.text === text) return entry.last.checked;
    const uri = URI.parse(document.uri);
    const path = uri.scheme === 'file' ? uri.fsPath : undefined;
    const parsed = entry.session.parse(text);
    // Completion, hover and the rest need the parse only: the checks run when diagnostics are first read.
    let diagnostics: readonly Diagnostic[] | undefined;
    let referencedFiles: readonly string[] | undefined;
    const { fs, schema } = this;
    const checked: CachedFlow = {
      parsed,
      get diagnostics() {
        return (diagnostics ??= diagnoseFlow(parsed, { path, fs, schema }));
      },
      get referencedFiles() {
        return (referencedFiles ??= path ? referencedSchemaFiles(parsed, path, fs) : []);
      },
    };
    entry.last = { version: document.version, text, checked };
    this.entries.delete(document.uri);
    this.entries.set(document.uri, entry);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return checked;
  }

  forget(uri: string): void {
    this.entries.delete(uri);
  }

  /**
   * Drops every cached check, keeping the parse sessions: a referenced file changed, or the workspace became
   * trusted and `schema:` paths may be read.
   */
  forgetAll(): void {
    for (const entry of this.entries.values()) delete entry.last;
  }
}
