// The Messages panel's HTML (no vscode import): the diagram's strict CSP with a nonce, local resources only.
import { webviewCsp, webviewPage, type DiagramPageSources } from '../diagram/diagram-page';

export function messagesPage(sources: DiagramPageSources): string {
  return webviewPage({
    csp: webviewCsp(sources), nonce: sources.nonce, title: 'FlowTracer Messages', css: sources.asset('messages.css'), script: sources.asset('messages.js'),
    main: '<main id="messages" aria-label="Messages"></main>',
  });
}
