// The signed-in GitHub account (VS Code's github auth provider, or a provider injected by the editor tests).
import * as os from 'node:os';
import * as vscode from 'vscode';
import type { Actor } from '../../flow/actor';

const GITHUB_SCOPES = ['read:user', 'read:org'];

export interface GithubSession {
  readonly login: string;
  readonly id: string;
  readonly accessToken: string;
}

/** Where sessions come from; code-server has no GitHub login, so tests inject their own. */
export interface GithubSessionProvider {
  getSession(createIfNone: boolean): Promise<GithubSession | undefined>;
  signOut(): Promise<void>;
}

export function vscodeGithubSessions(): GithubSessionProvider {
  let signedOut = false;
  return {
    async getSession(createIfNone) {
      if (signedOut && !createIfNone) return undefined;
      const s = await vscode.authentication.getSession('github', GITHUB_SCOPES, createIfNone ? { createIfNone: true } : { silent: true });
      if (s) signedOut = false;
      return s ? { login: s.account.label, id: s.account.id, accessToken: s.accessToken } : undefined;
    },
    signOut() {
      // Extensions cannot remove the editor's GitHub session; FlowTracer stops using it until the next sign-in.
      signedOut = true;
      return Promise.resolve();
    },
  };
}

export class GithubAccount {
  private readonly changed = new vscode.EventEmitter<GithubSession | undefined>();
  readonly onDidChange = this.changed.event;
  private current: GithubSession | undefined;

  constructor(private provider: GithubSessionProvider) {}

  get session(): GithubSession | undefined {
    return this.current;
  }

  setProvider(provider: GithubSessionProvider): void {
    this.provider = provider;
    this.current = undefined;
  }

  async refresh(createIfNone = false): Promise<GithubSession | undefined> {
    try {
      this.current = await this.provider.getSession(createIfNone);
    } catch {
      this.current = undefined;
    }
    this.changed.fire(this.current);
    return this.current;
  }

  async signOut(): Promise<void> {
    await this.provider.signOut();
    this.current = undefined;
    this.changed.fire(undefined);
  }

  actor(): Actor {
    return this.current ? { kind: 'github', login: this.current.login, id: this.current.id } : { kind: 'local', name: os.userInfo().username };
  }

  dispose(): void {
    this.changed.dispose();
  }
}
