// A local HTTP server answering the GitHub REST endpoints FlowTracer's access checks call, as GitHub answers them (302/404 for non-members, 403 under SSO).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeGithubData {
  /** token -> login of the user it belongs to. */
  readonly tokens: Readonly<Record<string, string>>;
  /** org -> logins of its active members. */
  readonly orgs: Readonly<Record<string, readonly string[]>>;
  /** `org/team` -> logins of its active members. */
  readonly teams: Readonly<Record<string, readonly string[]>>;
  /** login -> numeric account id (GET /user); 1 when not listed. */
  readonly ids?: Readonly<Record<string, number>>;
  /** Orgs that enforce SAML single sign-on, for which no token here is authorized: GitHub answers 403 with `X-GitHub-SSO`. */
  readonly sso?: readonly string[];
}

export interface FakeGithub {
  readonly url: string;
  /** Every request path, in order: tests assert which endpoints were asked. */
  readonly requests: string[];
  /** From now on every request is answered with this status (a GitHub outage), or normally again with undefined. */
  failWith(status: number | undefined): void;
  close(): Promise<void>;
}

export async function startFakeGithub(data: FakeGithubData): Promise<FakeGithub> {
  const requests: string[] = [];
  let failure: number | undefined;
  let url = '';
  const server: Server = createServer((req, res) => {
    // GitHub Enterprise serves the same API under /api/v3 (FlowTracer's base for a `github-enterprise.uri`).
    const path = decodeURIComponent((req.url ?? '').split('?')[0]!).replace(/^\/api\/v3(?=\/)/, '');
    requests.push(path);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const user = token ? data.tokens[token] : undefined;
    const json = (status: number, body?: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    if (failure !== undefined) return json(failure, { message: 'Server Error' });
    if (!user) return json(401, { message: 'Bad credentials' });
    const org = /^\/(?:user\/memberships\/orgs|orgs)\/([^/]+)/.exec(path)?.[1];
    if (org && data.sso?.includes(org)) {
      return json(403, { message: 'Resource protected by organization SAML enforcement. You must grant your Personal Access token access to this organization.' }, { 'X-GitHub-SSO': `required; url=https://github.com/orgs/${org}/sso?authorization_request=fake` });
    }
    const member = (o: string, login: string): boolean => data.orgs[o]?.includes(login) ?? false;
    let m = /^\/user\/memberships\/orgs\/([^/]+)$/.exec(path);
    if (m) return member(m[1]!, user) ? json(200, { state: 'active', role: 'member', organization: { login: m[1] } }) : json(404, { message: 'Not Found' });
    m = /^\/orgs\/([^/]+)\/members\/([^/]+)$/.exec(path);
    if (m) {
      // GitHub: an asker who is not a member of the org is redirected to its public members.
      if (!member(m[1]!, user)) return json(302, undefined, { Location: `${url}/orgs/${m[1]}/public_members/${m[2]}` });
      return member(m[1]!, m[2]!) ? json(204) : json(404, { message: 'Not Found' });
    }
    // Nobody's membership here is public.
    if (/^\/orgs\/[^/]+\/public_members\/[^/]+$/.test(path)) return json(404, { message: 'Not Found' });
    m = /^\/orgs\/([^/]+)\/teams\/([^/]+)\/memberships\/([^/]+)$/.exec(path);
    if (m) return data.teams[`${m[1]}/${m[2]}`]?.includes(m[3]!) ? json(200, { state: 'active', role: 'member' }) : json(404, { message: 'Not Found' });
    if (path === '/user') return json(200, { login: user, id: data.ids?.[user] ?? 1 });
    return json(404, { message: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  url = `http://127.0.0.1:${port}`;
  return {
    url,
    requests,
    failWith: (status) => {
      failure = status;
    },
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
