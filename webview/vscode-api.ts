// The typed handles on the webviews' host: acquireVsCodeApi, posting only protocol messages (the diagram's and the Messages panel's).
import type { MessagesViewState, MessagesViewToHost } from '../protocol/messages-view';
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

/** The Messages panel's handle on its host (a page of its own, so acquireVsCodeApi is called once there too). */
export interface MessagesHostApi {
  postMessage(message: MessagesViewToHost): void;
  setState(state: MessagesViewState): void;
}

export function messagesHostApi(): MessagesHostApi {
  return acquireVsCodeApi() as unknown as MessagesHostApi;
}
