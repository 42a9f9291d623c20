// Where the GitHub token may go: api.github.com or the user's GitHub Enterprise host, never a host a workspace names.
import { githubApiBase } from '../../protocol/github-memberships';
import { MASK } from '../../flow/secret-mask';

/** One setting's values by where they were set (VS Code's `inspect()`), for the settings that steer the token. */
export interface ScopedValue {
  /** The setting's full name, for the sentence that says it was ignored. */
  readonly key: string;
  /** User settings: the user's own choice. */
  readonly global?: string | undefined;
  /** Where the workspace sets it (`.vscode/settings.json`, the `.code-workspace` file): written by whoever wrote the repository. */
  readonly workspace: readonly string[];
}

export interface GithubApiTarget {
  /** The REST API base the token is sent to. */
  readonly base: string;
  /** One sentence per setting value that was not used, for the run's log. */
  readonly ignored: readonly string[];
}

const GITHUB_API = 'https://api.github.com';

function parsed(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** A URL for the log: its user info (a user name may be a token too) is not repeated. */
function shown(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, `$1${MASK}@`);
}

/** The GitHub Enterprise host of the user's `github-enterprise.uri`, or why it is not one. */
function enterpriseHost(uri: string | undefined): URL | string | undefined {
  if (!uri) return undefined;
  const url = parsed(uri);
  return url && (url.protocol === 'https:' || url.protocol === 'http:') ? url : `it is not an http(s) URL`;
}

/** An API base on github.com's API or on the Enterprise host (GHE serves `/api/v3`, GHE.com `api.<host>`). */
function onAllowedHost(apiUrl: string, enterprise: URL | undefined): boolean {
  const url = parsed(apiUrl);
  if (!url || url.username || url.password) return false;
  if (url.protocol === 'https:' && url.host === 'api.github.com') return true;
  return !!enterprise && url.protocol === enterprise.protocol && (url.host === enterprise.host || url.host === `api.${enterprise.host}`);
}

/**
 * Decides the API base from the user's settings only: workspace values of these settings are ignored (a cloned
 * repository could otherwise send the token anywhere), and a user `apiUrl` must still be on an allowed host.
 */
export function githubApiTarget(apiUrl: ScopedValue, enterpriseUri: ScopedValue): GithubApiTarget {
  const ignored: string[] = [];
  const enterprise = enterpriseHost(enterpriseUri.global);
  if (typeof enterprise === 'string') ignored.push(`ignored your ${enterpriseUri.key} "${shown(enterpriseUri.global ?? '')}": ${enterprise}`);
  const enterpriseUrl = typeof enterprise === 'string' ? undefined : enterprise;
  const destination = enterpriseUrl ? `${GITHUB_API} or your GitHub Enterprise host ${enterpriseUrl.host}` : GITHUB_API;
  for (const setting of [apiUrl, enterpriseUri]) {
    for (const where of setting.workspace) {
      ignored.push(`ignored the workspace's ${setting.key} (${where}): the GitHub token goes only to ${destination}; only your user settings can change that`);
    }
  }
  let override = apiUrl.global || undefined;
  if (override && !onAllowedHost(override, enterpriseUrl)) {
    ignored.push(`ignored your ${apiUrl.key} "${shown(override)}": the GitHub token goes only to ${destination}`);
    override = undefined;
  }
  return { base: githubApiBase(override, enterpriseUrl ? enterpriseUri.global : undefined), ignored };
}
