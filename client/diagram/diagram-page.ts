// The diagram page's HTML (no vscode import): strict CSP with a nonce, local resources only. Tests serve the same page.

export interface DiagramPageSources {
  /** The origin(s) the webview's resources come from (`webview.cspSource`). */
  readonly cspSource: string;
  readonly nonce: string;
  /** URL of a file in dist/webview/. */
  readonly asset: (name: string) => string;
}

function attribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export function diagramPage({ cspSource, nonce, asset }: DiagramPageSources): string {
  const csp = [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    // The layout worker script is fetched and started from a blob URL (workers must be same-origin).
    `connect-src ${cspSource}`,
    `worker-src ${cspSource} blob:`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attribute(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attribute(asset('diagram.css'))}">
<title>FlowTracer Diagram</title>
</head>
<body>
<main id="diagram" aria-label="Flow diagram" data-layout-worker="${attribute(asset('layout-worker.js'))}"></main>
<script nonce="${attribute(nonce)}" src="${attribute(asset('main.js'))}"></script>
</body>
</html>`;
}
