// The diagram page's HTML (no vscode import): strict CSP with a nonce, local resources only (the Messages panel's page shares the policy). Tests serve the same page.

export interface DiagramPageSources {
  /** The origin(s) the webview's resources come from (`webview.cspSource`). */
  readonly cspSource: string;
  readonly nonce: string;
  /** URL of a file in dist/webview/. */
  readonly asset: (name: string) => string;
}

export function attribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** The policy every FlowTracer webview starts from: nothing but its own images and styles, and its one nonce'd script. */
export function webviewCsp({ cspSource, nonce }: Pick<DiagramPageSources, 'cspSource' | 'nonce'>, more: readonly string[] = []): string {
  return ["default-src 'none'", `img-src ${cspSource} data:`, `style-src ${cspSource}`, `script-src 'nonce-${nonce}'`, ...more].join('; ');
}

/** A FlowTracer webview's page: its policy, its stylesheet, one element to draw in and its one nonce'd script. */
export function webviewPage(page: { readonly csp: string; readonly title: string; readonly css: string; readonly main: string; readonly script: string; readonly nonce: string }): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attribute(page.csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attribute(page.css)}">
<title>${page.title}</title>
</head>
<body>
${page.main}
<script nonce="${attribute(page.nonce)}" src="${attribute(page.script)}"></script>
</body>
</html>`;
}

export function diagramPage({ cspSource, nonce, asset }: DiagramPageSources): string {
  // The layout worker script is fetched and started from a blob URL (workers must be same-origin).
  const csp = webviewCsp({ cspSource, nonce }, [`connect-src ${cspSource}`, `worker-src ${cspSource} blob:`]);
  return webviewPage({
    csp, nonce, title: 'FlowTracer Diagram', css: asset('diagram.css'), script: asset('main.js'),
    main: `<main id="diagram" aria-label="Flow diagram" data-layout-worker="${attribute(asset('layout-worker.js'))}"></main>`,
  });
}
