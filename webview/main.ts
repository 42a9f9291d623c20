// The diagram webview's entry: wires the host's messages to the diagram view and the layout worker.
import type { HostToWebview } from '../protocol/webview-messages';
import { DiagramView, type LayoutFunction } from './diagram-view';
import { columnLayout } from './graph/column-layout';
import { LayoutTimeoutError, WorkerLayout } from './layout/worker-layout';
import { hostApi } from './vscode-api';

const host = hostApi();
const root = document.getElementById('diagram');

function layoutFunction(workerUrl: string | undefined): LayoutFunction {
  if (!workerUrl) return async (diagram) => columnLayout(diagram);
  const worker = new WorkerLayout(workerUrl);
  worker.warmUp();
  let workerFailed = false;
  return async (diagram, previous) => {
    if (workerFailed) return columnLayout(diagram);
    try {
      return await worker.layout(diagram, previous);
    } catch (error) {
      // Past the time budget, or no worker at all: draw a simpler arrangement rather than nothing.
      if (!(error instanceof LayoutTimeoutError)) {
        workerFailed = true;
        host.postMessage({ type: 'error', message: `The layout worker did not start (${(error as Error).message}); the diagram uses a simple column layout.` });
      } else {
        host.postMessage({ type: 'error', message: error.message });
      }
      return columnLayout(diagram);
    }
  };
}

if (root) {
  const view = new DiagramView(root, host, layoutFunction(root.dataset.layoutWorker), host.getState());
  window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
    const message = event.data;
    switch (message.type) {
      case 'flow':
        void view.showFlow({ uri: message.uri, version: message.version, text: message.text, receivedAt: performance.now() });
        break;
      case 'status':
        view.showStatus(message.status);
        break;
      case 'trace':
        view.showTrace(message.path);
        break;
      case 'select':
        view.select(message.component);
        break;
      case 'editRefused':
        view.showRefusal(message.reason);
        break;
      case 'theme':
        document.body.dataset.theme = message.kind;
        break;
    }
  });
}

host.postMessage({ type: 'ready' });
