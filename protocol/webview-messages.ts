// The postMessage protocol between the extension (host) and the diagram webview, declared once.

/** Host -> webview. */
export type HostToWebview =
  | { readonly type: 'flow'; readonly uri: string; readonly version: number; readonly text: string }
  | { readonly type: 'theme'; readonly kind: 'light' | 'dark' | 'high-contrast' };

/** Webview -> host. */
export type WebviewToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'reveal'; readonly component: string };
