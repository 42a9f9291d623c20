// The GitHub REST calls of the access checks (who the token is, org and team membership), shared by the editor and the CLI.

import type { MembershipSource } from '../flow/access-rules';

/** The REST API base: an explicit override (tests, unusual GHE setups), GHE's `<uri>/api/v3`, or api.github.com. */
export function githubApiBase(override: string | undefined, enterpriseUri: string | undefined): string {
  if (override) return override.replace(/\/+$/, '');
  if (enterpriseUri) return `${enterpriseUri.replace(/\/+$/, '')}/api/v3`;
  return 'https://api.github.com';
}

/** GitHub answered in a way that tells nothing about membership (bad token, SSO, rate limit, server error): access fails closed. */
export class GithubApiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GithubApiError';
  }
}

/** The token's own account, as GitHub says it is. */
export interface GithubUser {
  readonly login: string;
  readonly id: string;
}

/**
 * The statuses that answer a membership question: 200/204 yes (or a body to read), 404 no, and 302
 * no (GitHub redirects `/orgs/{org}/members/{user}` to the public list when the asker is not a member).
 */
const ANSWERS = new Set([200, 204, 302, 404]);

export class GithubRestMemberships implements MembershipSource {
  constructor(
    private readonly apiBase: string,
    private readonly token: string,
    private readonly fetchFn: typeof fetch = fetch,
  ) {}

  private async get(path: string): Promise<{ status: number; body: unknown }> {
    let response: Response;
    try {
      // No redirect is followed: the token goes to the API base and nowhere else.
      response = await this.fetchFn(`${this.apiBase}${path}`, {
        redirect: 'manual',
        headers: { Authorization: `Bearer ${this.token}`, Accept: 'application/vnd.github+json', 'X-GitHub-Api-Version': '2022-11-28' },
      });
    } catch (error) {
      throw new GithubApiError(`GitHub at ${this.apiBase} could not be reached (${(error as Error).message}).`);
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (ANSWERS.has(response.status)) return { status: response.status, body };
    const said = (body as { message?: unknown } | undefined)?.message;
    const detail = typeof said === 'string' ? ` (${said})` : '';
    const sso = response.headers.get('x-github-sso');
    if (response.status === 403 && sso) {
      const url = /url=(\S+)/.exec(sso)?.[1];
      throw new GithubApiError(`GitHub refused ${path}: the organization enforces SAML single sign-on and the token is not authorized for it${url ? `; authorize it at ${url}` : ''}.`);
    }
    if (response.status === 401) throw new GithubApiError(`GitHub did not accept the token (401${detail} for ${path}).`);
    throw new GithubApiError(`GitHub answered ${response.status}${detail} for ${path}; try again later.`);
  }

  /** The account the token belongs to: the only way an actor becomes a GitHub identity. */
  async user(): Promise<GithubUser> {
    const r = await this.get('/user');
    const body = r.body as { login?: unknown; id?: unknown } | undefined;
    if (r.status !== 200 || typeof body?.login !== 'string' || (typeof body.id !== 'number' && typeof body.id !== 'string')) throw new GithubApiError(`GitHub answered ${r.status} for /user without the token's account.`);
    return { login: body.login, id: String(body.id) };
  }

  async isOrgMember(org: string, login: string): Promise<boolean> {
    const own = await this.get(`/user/memberships/orgs/${encodeURIComponent(org)}`);
    if (own.status === 200 && (own.body as { state?: string } | undefined)?.state === 'active') return true;
    const listed = await this.get(`/orgs/${encodeURIComponent(org)}/members/${encodeURIComponent(login)}`);
    return listed.status === 204;
  }

  async isTeamMember(org: string, team: string, login: string): Promise<boolean> {
    const r = await this.get(`/orgs/${encodeURIComponent(org)}/teams/${encodeURIComponent(team)}/memberships/${encodeURIComponent(login)}`);
    return r.status === 200 && (r.body as { state?: string } | undefined)?.state === 'active';
  }
}
