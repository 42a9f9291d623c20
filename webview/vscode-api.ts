// The typed handle on the webview's host: acquireVsCodeApi, posting only protocol messages.
import type { WebviewToHost } from '../protocol/webview-messages';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export function hostApi(): VsCodeApi {
  return acquireVsCodeApi();
}
