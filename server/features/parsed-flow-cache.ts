// Keeps the last checked flow per (uri, version), so features after validation do not reparse, and a
// parse session per document, so a new version re-reads only the parts of the text that changed.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { checkFlow, type CheckedFlow, type FlowFileSystem } from '../../flow/check';
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
    const checked = checkFlow(text, { path, fs: this.fs, session });
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
}
