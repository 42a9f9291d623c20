// A local HTTP server answering the GitHub REST endpoints FlowTracer's access checks call.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeGithubData {
  /** token -> login of the user it belongs to. */
  readonly tokens: Readonly<Record<string, string>>;
  /** org -> logins of its active members. */
  readonly orgs: Readonly<Record<string, readonly string[]>>;
  /** `org/team` -> logins of its active members. */
  readonly teams: Readonly<Record<string, readonly string[]>>;
}

export interface FakeGithub {
  readonly url: string;
  /** Every request path, in order: tests assert which endpoints were asked. */
  readonly requests: string[];
  close(): Promise<void>;
}

export async function startFakeGithub(data: FakeGithubData): Promise<FakeGithub> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    // GitHub Enterprise serves the same API under /api/v3 (FlowTracer's base for a `github-enterprise.uri`).
    const path = decodeURIComponent((req.url ?? '').split('?')[0]!).replace(/^\/api\/v3(?=\/)/, '');
    requests.push(path);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const user = token ? data.tokens[token] : undefined;
    const json = (status: number, body?: unknown): void => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    if (!user) return json(401, { message: 'Bad credentials' });
    let m = /^\/user\/memberships\/orgs\/([^/]+)$/.exec(path);
    if (m) return data.orgs[m[1]!]?.includes(user) ? json(200, { state: 'active', role: 'member', organization: { login: m[1] } }) : json(404, { message: 'Not Found' });
    m = /^\/orgs\/([^/]+)\/members\/([^/]+)$/.exec(path);
    if (m) return data.orgs[m[1]!]?.includes(m[2]!) ? json(204) : json(404, { message: 'Not Found' });
    m = /^\/orgs\/([^/]+)\/teams\/([^/]+)\/memberships\/([^/]+)$/.exec(path);
    if (m) return data.teams[`${m[1]}/${m[2]}`]?.includes(m[3]!) ? json(200, { state: 'active', role: 'member' }) : json(404, { message: 'Not Found' });
    if (path === '/user') return json(200, { login: user, id: 1 });
    return json(404, { message: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
