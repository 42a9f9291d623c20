// The HTTP connector follows no redirect: a 3xx to another host is a failure naming the Location, and that host receives nothing.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpConnector } from '../../../executor/connectors/http';

const message = { key: 'k1', value: Buffer.from('{"id":1}'), headers: {} };
const signal = () => AbortSignal.timeout(10_000);

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('http connector and redirects', () => {
  // The confirmed host answers 302 to a second server (another host as far as the run knows: another port).
  const reachedOther: string[] = [];
  const other = createServer((request: IncomingMessage, response) => {
    reachedOther.push(`${request.method} ${request.url}`);
    response.writeHead(200, { 'content-type': 'application/json' }).end('[{"id":1}]');
  });
  let otherUrl: string;
  let status = 302;
  const confirmed = createServer((_request, response) => {
    _request.resume();
    response.writeHead(status, { location: `${otherUrl}/elsewhere?user=x` }).end();
  });
  let url: string;

  before(async () => {
    otherUrl = await listen(other);
    url = `${await listen(confirmed)}/orders`;
  });

  after(async () => {
    await new Promise((resolve) => other.close(resolve));
    await new Promise((resolve) => confirmed.close(resolve));
  });

  it('a target write answered 302 fails as 4xx naming the Location, and the other server receives nothing', async () => {
    const writer = await new HttpConnector('service', 'Orders', { url }).openWriter();
    await assert.rejects(writer.write(message, signal()), {
      errorClass: '4xx',
      message: `component Orders: POST ${url} answered 302, a redirect to ${otherUrl}/elsewhere?user=x: FlowTracer follows no redirect; write the final URL in the flow`,
    });
    assert.deepEqual(reachedOther, []);
  });

  it('an api source and the pre-flight HEAD do not follow a 301 or 307 either', async () => {
    status = 301;
    const api = new HttpConnector('api', 'Feed', { url });
    await api.preflight(signal());
    await assert.rejects(api.openReader({}, signal()), { errorClass: '4xx', message: new RegExp(`GET ${url} answered 301, a redirect to ${otherUrl}/elsewhere`) });
    status = 307;
    await assert.rejects((await new HttpConnector('service', 'Put', { url, method: 'PUT' }).openWriter()).write(message, signal()), { errorClass: '4xx' });
    assert.deepEqual(reachedOther, []);
  });
});
