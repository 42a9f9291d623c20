// The `access.github` rule of a flow and the decision whether an actor may run or retry it (used by the editor and the CLI alike).
import type { Actor } from './actor';

export interface GithubAccessRule {
  readonly users: readonly string[];
  readonly orgs: readonly string[];
  /** `org/team` slugs. */
  readonly teams: readonly string[];
}

/** Answers membership questions for one signed-in user (the GitHub REST API, or a fake in tests). */
export interface MembershipSource {
  isOrgMember(org: string, login: string): Promise<boolean>;
  isTeamMember(org: string, team: string, login: string): Promise<boolean>;
}

export type AccessDecision =
  | { readonly allowed: true; readonly because: string }
  | { readonly allowed: false; readonly message: string };

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The flow's `access.github` rule, or undefined when the flow does not restrict who runs it. */
export function githubRuleOf(access: Readonly<Record<string, unknown>> | undefined): GithubAccessRule | undefined {
  const github = access?.['github'];
  if (!github || typeof github !== 'object') return undefined;
  const g = github as Record<string, unknown>;
  return { users: strings(g['users']), orgs: strings(g['orgs']), teams: strings(g['teams']) };
}

export function describeRule(rule: GithubAccessRule): string {
  const parts = [
    rule.users.length ? `one of the users ${rule.users.join(', ')}` : '',
    rule.orgs.length ? `a member of ${rule.orgs.join(', ')}` : '',
    rule.teams.length ? `a member of the team ${rule.teams.join(', ')}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', or ') : 'nobody (the rule lists no user, org or team)';
}

/** Decides whether `actor` may run a flow with `rule`; membership is asked only as far as needed. */
export async function decideAccess(rule: GithubAccessRule | undefined, actor: Actor, members: MembershipSource): Promise<AccessDecision> {
  if (!rule) return { allowed: true, because: 'the flow has no access rule' };
  const requires = describeRule(rule);
  if (actor.kind !== 'github') {
    return { allowed: false, message: `This flow may be run only by ${requires} on GitHub; nobody is signed in (local user ${actor.name}). Sign in with GitHub to run it.` };
  }
  const login = actor.login.toLowerCase();
  if (rule.users.some((u) => u.toLowerCase() === login)) return { allowed: true, because: `${actor.login} is listed in users` };
  for (const org of rule.orgs) {
    if (await members.isOrgMember(org, actor.login)) return { allowed: true, because: `${actor.login} is a member of ${org}` };
  }
  for (const slug of rule.teams) {
    const [org, team] = slug.split('/');
    if (org && team && (await members.isTeamMember(org, team, actor.login))) return { allowed: true, because: `${actor.login} is a member of ${slug}` };
  }
  return { allowed: false, message: `${actor.login} is signed in to GitHub, but this flow may be run only by ${requires}.` };
}

/** How long a membership answer is trusted: someone removed from an org loses access within this time. */
export const MEMBERSHIP_TTL_MS = 5 * 60_000;

/** Membership answers kept for at most `ttlMs`; errors are never kept (the next check asks again). */
export class CachedMemberships implements MembershipSource {
  private readonly answers = new Map<string, { readonly member: boolean; readonly at: number }>();

  constructor(
    private readonly source: MembershipSource,
    private readonly ttlMs: number = MEMBERSHIP_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  isOrgMember(org: string, login: string): Promise<boolean> {
    return this.cached(`org\n${org}\n${login}`.toLowerCase(), () => this.source.isOrgMember(org, login));
  }

  isTeamMember(org: string, team: string, login: string): Promise<boolean> {
    return this.cached(`team\n${org}/${team}\n${login}`.toLowerCase(), () => this.source.isTeamMember(org, team, login));
  }

  private async cached(key: string, ask: () => Promise<boolean>): Promise<boolean> {
    const kept = this.answers.get(key);
    if (kept && this.now() - kept.at < this.ttlMs) return kept.member;
    const member = await ask();
    this.answers.set(key, { member, at: this.now() });
    return member;
  }
}
