// Serves the built webview (dist/webview/) on 127.0.0.1 with the real diagram page and its CSP.
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { diagramPage } from '../../../client/diagram/diagram-page';

const DIST = resolve(__dirname, '../../../dist/webview');
const BUNDLE_FILES = ['main.js', 'layout-worker.js', 'diagram.css'];
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

export class MissingBundleError extends Error {
  constructor(file: string) {
    super(`The webview bundle ${file} is missing: run \`npm run build\` before \`npm run test:browser\`.`);
    this.name = 'MissingBundleError';
  }
}

export interface WebviewServer {
  readonly url: string;
  close(): Promise<void>;
}

/** `withhold`: files of dist/webview/ to answer with 404, to test how the page copes without them. */
export async function startWebviewServer(withhold: readonly string[] = []): Promise<WebviewServer> {
  for (const file of BUNDLE_FILES) {
    if (!existsSync(join(DIST, file))) throw new MissingBundleError(`dist/webview/${file}`);
  }
  let origin = '';
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', origin).pathname;
    if (path === '/') {
      const html = diagramPage({ cspSource: origin, nonce: 'test-nonce-0123456789', asset: (name) => `${origin}/dist/webview/${name}` });
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      return;
    }
    if (path === '/favicon.ico') {
      response.writeHead(204).end();
      return;
    }
    const name = path.startsWith('/dist/webview/') ? path.slice('/dist/webview/'.length) : '';
    if (!/^[\w.-]+$/.test(name) || !existsSync(join(DIST, name)) || withhold.includes(name)) {
      response.writeHead(404).end();
      return;
    }
    const type = TYPES[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream';
    response.writeHead(200, { 'content-type': type }).end(readFileSync(join(DIST, name)));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
