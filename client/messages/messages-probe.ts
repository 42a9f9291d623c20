// Test-only recorder of what the Messages panels report showing; the extension builds it only in ExtensionMode.Test.
import type * as vscode from 'vscode';
import type { MessagesViewToHost } from '../../protocol/messages-view';
import type { MessagesPanel } from './messages-panel';
import type { MessagesPanels } from './messages-panels';

export type ShownMessage = Extract<MessagesViewToHost, { type: 'shown' }>;

export class MessagesProbe implements vscode.Disposable {
  private readonly shown = new Map<string, ShownMessage>();
  private readonly waiters = new Set<{ key: string; accept: (s: ShownMessage) => boolean; resolve: (s: ShownMessage) => void }>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly panels: MessagesPanels) {
    this.subscription = panels.onDidAdopt((bound) => this.follow(bound));
  }

  private follow(bound: MessagesPanel): void {
    const key = probeKey(bound.flowFile, bound.target.component);
    // A new panel shows nothing yet: an earlier panel's report does not count.
    this.shown.delete(key);
    bound.onDidReceive((message) => {
      if (message.type !== 'shown') return;
      this.shown.set(key, message);
      for (const waiter of [...this.waiters]) {
        if (waiter.key === key && waiter.accept(message)) {
          this.waiters.delete(waiter);
          waiter.resolve(message);
        }
      }
    });
  }

  /** Resolves when the component's panel reports showing what `accept` takes (or has reported it). */
  waitForShown(flowFile: vscode.Uri, component: string, accept: (shown: ShownMessage) => boolean): Promise<ShownMessage> {
    const key = probeKey(flowFile, component);
    const last = this.shown.get(key);
    if (last && accept(last)) return Promise.resolve(last);
    return new Promise((resolve) => this.waiters.add({ key, accept, resolve }));
  }

  /** Hands `message` to the component's panel as if its webview had posted it (it goes through the same check). */
  async postToHost(flowFile: vscode.Uri, component: string, message: unknown): Promise<void> {
    await this.panels.panelFor(flowFile, component)?.receive(message);
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

function probeKey(flowFile: vscode.Uri, component: string): string {
  return `${flowFile.toString()}#${component}`;
}
