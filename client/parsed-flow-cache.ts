// One parse of a flow per document version, or per file text: the cache the client's views and commands share (pure; no vscode).
import type { ParsedFlow } from '../flow/parse';

/** What the cache needs of a document: VS Code's TextDocument, or a test's stand-in. */
export interface FlowText {
  readonly uri: { toString(): string };
  readonly version: number;
  getText(): string;
}

/** Parses a flow once per document version; a flow read from disk is parsed again only when its text changed. */
export class ParsedFlowCache {
  private readonly entries = new Map<string, { readonly version: number | undefined; readonly text: string; readonly parsed: ParsedFlow }>();
  /** How many times a flow was parsed (the tests count them). */
  parses = 0;

  /** `parse`: flow/parse's parseFlow, however the host loads it (the extension loads flow code lazily). */
  constructor(private readonly parse: (text: string) => ParsedFlow) {}

  ofDocument(document: FlowText): ParsedFlow {
    const key = document.uri.toString();
    const cached = this.entries.get(key);
    if (cached && cached.version === document.version) return cached.parsed;
    return this.store(key, document.version, document.getText());
  }

  /** A flow's text as read from disk: the parse of the same text is reused. */
  ofText(uri: { toString(): string }, text: string): ParsedFlow {
    // Its own entry: the saved file and the open document (with unsaved edits) are both in use.
    const key = `file:${uri.toString()}`;
    const cached = this.entries.get(key);
    if (cached && cached.text === text) return cached.parsed;
    return this.store(key, undefined, text);
  }

  /** Drops the open document's entry (it was closed); the saved file's stays for the views that read it. */
  forget(uri: { toString(): string }): void {
    this.entries.delete(uri.toString());
  }

  private store(key: string, version: number | undefined, text: string): ParsedFlow {
    const parsed = this.parse(text);
    this.parses++;
    this.entries.set(key, { version, text, parsed });
    return parsed;
  }
}
