// The CLI's access gate: the flow's `access:` rule checked against the GitHub account of GH_TOKEN / GITHUB_TOKEN, verified with GitHub.
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { CachedMemberships, decideAccess, describeRule, githubRuleOf } from '../flow/access-rules';
import { formatActor } from '../flow/actor';
import { parseFlow } from '../flow/parse';
import { GithubApiError, GithubRestMemberships } from '../protocol/github-memberships';

const DEFAULT_GITHUB_API_URL = 'https://api.github.com';

/** The flow restricts who runs it, and this caller is not one of them, has no token, or GitHub could not tell. */
export class AccessRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AccessRefused';
  }
}

export interface CliAccessOptions {
  readonly env: NodeJS.ProcessEnv;
  /** `--github-api-url` (GitHub Enterprise: `https://<host>/api/v3`); else FLOWTRACER_GITHUB_API_URL, else api.github.com. */
  readonly githubApiUrl?: string;
  readonly fetchFn?: typeof fetch;
}

/** The API base the token may be sent to, and nowhere else. */
function cliGithubApiBase(options: CliAccessOptions): string {
  const base = (options.githubApiUrl ?? options.env.FLOWTRACER_GITHUB_API_URL ?? DEFAULT_GITHUB_API_URL).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/.test(base)) throw new AccessRefused(`the GitHub API URL '${base}' is not an http(s) URL`);
  return base;
}

const memberships = new Map<string, CachedMemberships>();

/**
 * The actor a command run by this process records, once the flow's access rule let it through.
 * Without a rule the actor is the local user (`local:<name>`, never read as a GitHub identity) and
 * GitHub is not asked; with one, the token's account (GET /user) is the actor, and any GitHub error
 * refuses the command (fail closed).
 */
export async function authorizeCli(flowFile: string, options: CliAccessOptions): Promise<{ actor: string; because?: string }> {
  const local = formatActor({ kind: 'local', name: options.env.USER ?? options.env.USERNAME ?? userInfo().username });
  let text: string;
  try {
    text = await readFile(flowFile, 'utf8');
  } catch {
    // The run itself says that the file cannot be read.
    return { actor: local };
  }
  const rule = githubRuleOf(parseFlow(text).model.access);
  if (!rule) return { actor: local };
  const token = options.env.GH_TOKEN || options.env.GITHUB_TOKEN;
  if (!token) throw new AccessRefused(`this flow may be run only by ${describeRule(rule)} on GitHub, and no GitHub token is set: set GH_TOKEN (or GITHUB_TOKEN) to a token of yours with the read:org scope`);
  const base = cliGithubApiBase(options);
  const client = new GithubRestMemberships(base, token, options.fetchFn);
  const key = `${base}\n${token}`;
  const members = memberships.get(key) ?? new CachedMemberships(client);
  memberships.set(key, members);
  try {
    const user = await client.user();
    const actor = { kind: 'github' as const, login: user.login, id: user.id };
    const decision = await decideAccess(rule, actor, members);
    if (!decision.allowed) throw new AccessRefused(decision.message);
    return { actor: formatActor(actor), because: decision.because };
  } catch (error) {
    if (error instanceof GithubApiError) throw new AccessRefused(`refused, because GitHub could not confirm who may run this flow (it may be run only by ${describeRule(rule)}): ${error.message}`);
    throw error;
  }
}
