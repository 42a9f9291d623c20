// The Messages panel's HTML (no vscode import): the diagram's strict CSP with a nonce, local resources only.
import { attribute, webviewCsp, type DiagramPageSources } from '../diagram/diagram-page';

export function messagesPage(sources: DiagramPageSources): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attribute(webviewCsp(sources))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attribute(sources.asset('messages.css'))}">
<title>FlowTracer Messages</title>
</head>
<body>
<main id="messages" aria-label="Messages"></main>
<script nonce="${attribute(sources.nonce)}" src="${attribute(sources.asset('messages.js'))}"></script>
</body>
</html>`;
}
