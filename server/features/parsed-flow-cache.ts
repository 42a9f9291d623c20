// Keeps the last parsed flow per (uri, version), so features after validation do not reparse (its checks
// run once, when diagnostics are first read), and a parse session per document, so a new version
// re-reads only the parts of the text that changed.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { type CheckedFlow, diagnoseFlow, type FlowFileSystem } from '../../flow/check';
import type { Diagnostic } from '../../flow/diagnostic';
import { FlowParseSession } from '../../flow/incremental-parse';
import { URI } from 'vscode-uri';

export class ParsedFlowCache {
  private readonly entries = new Map<string, { version: number; text: string; checked: CheckedFlow; session: FlowParseSession }>();

  constructor(
    private readonly fs: FlowFileSystem,
    private readonly capacity = 32,
  ) {}

  get(document: TextDocument): CheckedFlow {
    const text = document.getText();
    const entry = this.entries.get(document.uri);
    // The text comparison guards hosts that reuse a version number for different content.
    if (entry && entry.version === document.version && entry.text === text) return entry.checked;
    const uri = URI.parse(document.uri);
    const path = uri.scheme === 'file' ? uri.fsPath : undefined;
    const session = entry?.session ?? new FlowParseSession();
    const parsed = session.parse(text);
    // Completion, hover and the rest need the parse only: the checks run when diagnostics are first read.
    let diagnostics: readonly Diagnostic[] | undefined;
    const fs = this.fs;
    const checked: CheckedFlow = {
      parsed,
      get diagnostics() {
        return (diagnostics ??= diagnoseFlow(parsed, { path, fs }));
      },
    };
    this.entries.delete(document.uri);
    this.entries.set(document.uri, { version: document.version, text, checked, session });
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return checked;
  }

  forget(uri: string): void {
    this.entries.delete(uri);
  }

  /** Drops every cached check, e.g. when the workspace becomes trusted and `schema:` paths may be read. */
  forgetAll(): void {
    this.entries.clear();
  }
}
