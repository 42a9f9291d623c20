// The typed handle on the webview's host: acquireVsCodeApi, posting only protocol messages.
import type { DiagramViewState, WebviewToHost } from '../protocol/webview-messages';

export interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): DiagramViewState | undefined;
  setState(state: DiagramViewState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export function hostApi(): VsCodeApi {
  return acquireVsCodeApi();
}
