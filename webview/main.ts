// The diagram webview's entry: receives the flow from the host and draws it.
import type { HostToWebview } from '../protocol/webview-messages';
import { hostApi } from './vscode-api';

const host = hostApi();
const root = document.getElementById('diagram');

window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
  const message = event.data;
  if (message.type === 'flow' && root) {
    root.dataset.version = String(message.version);
    const heading = document.createElement('p');
    heading.className = 'flow-status';
    heading.textContent = `Flow loaded (${message.text.split('\n').length} lines)`;
    root.replaceChildren(heading);
  }
});

host.postMessage({ type: 'ready' });
