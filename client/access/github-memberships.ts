// Membership answers from the GitHub REST API (github.com, GitHub Enterprise, or a local fake in tests).

import type { MembershipSource } from './github-access';

/** The REST API base: an explicit override (tests, unusual GHE setups), GHE's `<uri>/api/v3`, or api.github.com. */
export function githubApiBase(override: string | undefined, enterpriseUri: string | undefined): string {
  if (override) return override.replace(/\/+$/, '');
  if (enterpriseUri) return `${enterpriseUri.replace(/\/+$/, '')}/api/v3`;
  return 'https://api.github.com';
}

/** GitHub answered in a way that tells nothing about membership (rate limit, server error). */
export class GithubApiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GithubApiError';
  }
}

export class GithubRestMemberships implements MembershipSource {
  constructor(
    private readonly apiBase: string,
    private readonly token: string,
    private readonly fetchFn: typeof fetch = fetch,
  ) {}

  private async get(path: string): Promise<{ status: number; body: unknown }> {
    const response = await this.fetchFn(`${this.apiBase}${path}`, {
      headers: { Authorization: `Bearer ${this.token}`, Accept: 'application/vnd.github+json', 'X-GitHub-Api-Version': '2022-11-28' },
    });
    const text = await response.text();
    if (response.status >= 500 || response.status === 429) throw new GithubApiError(`GitHub answered ${response.status} for ${path}; try again later.`);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: response.status, body };
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
