// A real local HTTP server (node:http) for services tests: records every request and answers as the test scripts it.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** Date.now() when the request's body had arrived. */
  readonly at: number;
}

/**
 * An answer: a status with optional headers and body (sent after `delayMs`, a slow service), `hang`
 * (never answer) or `stall` (send 200 and half a body, then nothing).
 */
export type Answer = { readonly status: number; readonly headers?: Readonly<Record<string, string>>; readonly body?: string; readonly delayMs?: number } | 'hang' | 'stall';

/** Decides the answer to the `index`-th (0-based) recorded request. */
export type Script = (request: RecordedRequest, index: number) => Answer;

export class RecordingHttpServer {
  /** Every request but the pre-flight's HEAD, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  /** How many HEAD requests (the engine's pre-flight) arrived. */
  heads = 0;
  private server: Server | undefined;
  private readonly hanging = new Set<ServerResponse>();

  constructor(private readonly script: Script = () => ({ status: 204 })) {}

  /** Listens on 127.0.0.1 on a free port; resolves with the URL of `path`. */
  async start(path = '/'): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (request.method === 'HEAD') {
          this.heads++;
          response.writeHead(204).end();
          return;
        }
        const recorded: RecordedRequest = { method: request.method ?? '', path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
        this.requests.push(recorded);
        const answer = this.script(recorded, this.requests.length - 1);
        if (answer === 'hang' || answer === 'stall') {
          this.hanging.add(response);
          response.on('close', () => this.hanging.delete(response));
          if (answer === 'stall') response.writeHead(200, { 'content-type': 'application/json' }).write('{"partial":');
          return;
        }
        const respond = (): void => {
          this.hanging.delete(response);
          if (!response.destroyed) response.writeHead(answer.status, { ...(answer.body === undefined ? {} : { 'content-type': 'application/json' }), ...answer.headers }).end(answer.body);
        };
        if (!answer.delayMs) return respond();
        this.hanging.add(response);
        setTimeout(respond, answer.delayMs);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  /** The recorded bodies parsed as JSON. */
  bodies(): unknown[] {
    return this.requests.map((r) => JSON.parse(r.body) as unknown);
  }

  async stop(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
