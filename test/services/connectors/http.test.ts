// The service/api connector against a real local HTTP server on 127.0.0.1.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpConnector } from '../../../executor/connectors/http';
import { parseRetryAfter } from '../../../executor/connectors/http-response-error';
import type { SourceMessage } from '../../../executor/connectors/connector';

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;
const message = { key: 'k1', value: Buffer.from('{"id":1}'), headers: { traceparent: '00-abc-def-01' } };
const signal = () => AbortSignal.timeout(10_000);

describe('http connector (service and api)', () => {
  let server: Server;
  let url: string;
  let handler: Handler;
  const open = new Set<ServerResponse>();

  before(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => { open.add(response); response.on('close', () => open.delete(response)); handler(request, body, response); });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/orders`;
  });

  after(async () => {
    for (const response of open) response.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('delivers on 2xx with the headers sent and the reply body passed on', async () => {
    let seen: { method?: string; trace?: string; auth?: string; body?: string } = {};
    handler = (request, body, response) => {
      seen = { method: request.method, trace: request.headers.traceparent as string, auth: request.headers.authorization, body };
      response.writeHead(201, { 'content-type': 'application/json' }).end('{"ok":true}');
    };
    const writer = await new HttpConnector('service', 'OrderService', { url, headers: { authorization: 'Bearer t' } }).openWriter();
    const delivery = await writer.write(message, signal());
    assert.deepEqual(seen, { method: 'POST', trace: '00-abc-def-01', auth: 'Bearer t', body: '{"id":1}' });
    assert.equal(delivery.position, 'HTTP 201');
    assert.equal(delivery.reply?.value.toString(), '{"ok":true}');
  });

  it('maps 500 to 5xx and 429 with Retry-After to 429 with retryAfterMs', async () => {
    const writer = await new HttpConnector('service', 'OrderService', { url }).openWriter();
    handler = (_request, _body, response) => response.writeHead(500).end('boom');
    await assert.rejects(writer.write(message, signal()), { errorClass: '5xx', message: `component OrderService: POST ${url} answered 500` });
    handler = (_request, _body, response) => response.writeHead(429, { 'retry-after': '7' }).end();
    await assert.rejects(writer.write(message, signal()), (error: { errorClass: string; options: { retryAfterMs?: number } }) => error.errorClass === '429' && error.options.retryAfterMs === 7000);
    assert.equal(parseRetryAfter('Wed, 21 Oct 2026 07:28:10 GMT', Date.parse('Wed, 21 Oct 2026 07:28:00 GMT')), 10_000);
  });

  it('times out a hanging request as a timeout and a refused connection as a connection error', async () => {
    handler = () => undefined; // never answers
    const writer = await new HttpConnector('service', 'Slow', { url, timeout: '300ms' }).openWriter();
    await assert.rejects(writer.write(message, signal()), { errorClass: 'timeout', message: `component Slow: POST ${url} timed out` });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const down = new HttpConnector('service', 'Down', { url: `http://127.0.0.1:${port}/x` });
    await assert.rejects(down.preflight(signal()), { errorClass: 'connection', message: `component Down: HEAD http://127.0.0.1:${port}/x failed: ECONNREFUSED` });
  });

  it('refuses to write messages with GET, which cannot carry them', async () => {
    await assert.rejects(new HttpConnector('api', 'Lookup', { url, method: 'get' }).openWriter(), {
      errorClass: 'validation', message: 'component Lookup: a GET request cannot carry a message; as a target it needs method POST, PUT, PATCH or DELETE',
    });
  });

  it('reads an api as a source: each item at the items JSONPath is a message', async () => {
    handler = (_request, _body, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"events":[{"id":"e1"},{"id":"e2"},{"id":"e3"}]}}');
    const reader = await new HttpConnector('api', 'StatusAPI', { url, items: '$.data.events', key: '$.id' }).openReader({ select: { limit: 2 } }, signal());
    const got: SourceMessage[] = [];
    for await (const item of reader.messages(signal())) got.push(item);
    assert.deepEqual(got.map((m) => [m.key, m.value.toString()]), [['e1', '{"id":"e1"}'], ['e2', '{"id":"e2"}']]);
  });

  it('positions an api\'s items by their key, wherever they are in the list (by index without `key`)', async () => {
    handler = (_request, _body, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('[{"id":"e1"},{"id":7},{"id":"e1"},{"other":1}]');
    const positions = async (props: Record<string, unknown>): Promise<string[]> => {
      const reader = await new HttpConnector('api', 'StatusAPI', { url, ...props }).openReader({}, signal());
      const got: string[] = [];
      for await (const item of reader.messages(signal())) got.push(item.position);
      return got;
    };
    // A key met again is told apart by its occurrence; an item without one has the key null.
    assert.deepEqual(await positions({ key: '$.id' }), ['key "e1"', 'key 7', 'key "e1" #2', 'key null']);
    assert.deepEqual(await positions({}), ['item 0', 'item 1', 'item 2', 'item 3']);
  });
});
