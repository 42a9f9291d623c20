// Test-only recorder of what the diagram panels post and hear; the extension builds it only in ExtensionMode.Test.
import type * as vscode from 'vscode';
import type { RunStatus, TracePath, WebviewToHost } from '../../protocol/webview-messages';
import type { DiagramPanel } from './diagram-panel';
import type { DiagramPanels } from './diagram-panels';

export type RenderedMessage = Extract<WebviewToHost, { type: 'rendered' }>;
export type StatusPaintedMessage = Extract<WebviewToHost, { type: 'statusPainted' }>;

/** A status the host posted to a flow's webview, and when (tests check that a run is painted while it goes). */
export interface PostedStatus {
  readonly at: number;
  readonly status: RunStatus | undefined;
}

/** What the webview said it painted, and when. */
export interface PaintedStatus {
  readonly at: number;
  readonly painted: StatusPaintedMessage;
}

/** Records kept per flow. */
const KEPT = 500;

export class DiagramProbe implements vscode.Disposable {
  private readonly posted = new Map<string, PostedStatus[]>();
  private readonly painted = new Map<string, PaintedStatus[]>();
  private readonly traced = new Map<string, (TracePath | undefined)[]>();
  private readonly rendered = new Map<string, RenderedMessage>();
  private readonly renderWaiters = new Set<{ flow: string; accept: (r: RenderedMessage) => boolean; resolve: (r: RenderedMessage) => void }>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly panels: DiagramPanels) {
    this.subscription = panels.onDidAdopt((bound) => this.follow(bound));
  }

  private follow(bound: DiagramPanel): void {
    const key = bound.uri;
    // A new panel has drawn nothing yet: an earlier panel's drawing does not count.
    this.rendered.delete(key);
    bound.onDidPost((message) => {
      if (message.type === 'status') keep(this.posted, key, { at: Date.now(), status: message.status });
      if (message.type === 'trace') keep(this.traced, key, message.path);
    });
    bound.onDidReceive((message) => {
      if (message.type === 'statusPainted') keep(this.painted, key, { at: Date.now(), painted: message });
      if (message.type !== 'rendered') return;
      this.rendered.set(key, message);
      for (const waiter of [...this.renderWaiters]) {
        if (waiter.flow === key && waiter.accept(message)) {
          this.renderWaiters.delete(waiter);
          waiter.resolve(message);
        }
      }
    });
  }

  /** The statuses posted to the flow's webview and what it reported painting, oldest first. */
  statuses(flow: vscode.Uri): { readonly posted: readonly PostedStatus[]; readonly painted: readonly PaintedStatus[] } {
    return { posted: this.posted.get(flow.toString()) ?? [], painted: this.painted.get(flow.toString()) ?? [] };
  }

  /** The traced paths posted to the flow's webview, oldest first. */
  traces(flow: vscode.Uri): readonly (TracePath | undefined)[] {
    return this.traced.get(flow.toString()) ?? [];
  }

  /** Hands `message` to the flow's panel as if its webview had posted it (it goes through the same check). */
  async postToHost(flow: vscode.Uri, message: unknown): Promise<void> {
    await this.panels.panelFor(flow)?.receive(message);
  }

  /** Resolves when the flow's diagram reports a drawing that `accept` takes (or has reported one). */
  waitForRender(flow: vscode.Uri, accept: (rendered: RenderedMessage) => boolean): Promise<RenderedMessage> {
    const key = flow.toString();
    if (!this.panels.panelFor(flow)) return Promise.reject(new Error(`No diagram is open for ${key}.`));
    const last = this.rendered.get(key);
    if (last && accept(last)) return Promise.resolve(last);
    return new Promise((resolve) => this.renderWaiters.add({ flow: key, accept, resolve }));
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

function keep<T>(lists: Map<string, T[]>, key: string, entry: T): void {
  const list = lists.get(key) ?? [];
  list.push(entry);
  if (list.length > KEPT) list.splice(0, list.length - KEPT);
  lists.set(key, list);
}
