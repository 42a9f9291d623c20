// Status bar item: the GitHub account runs are recorded under (or the local user).
import * as vscode from 'vscode';
import { describeActor } from '../../flow/actor';
import type { GithubAccount } from '../access/github-session';

export function accountStatusItem(account: GithubAccount): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('flowtracer.account', vscode.StatusBarAlignment.Right, 20);
  item.name = 'FlowTracer Account';
  const update = (): void => {
    const session = account.session;
    item.text = session ? `$(github) ${session.login}` : '$(account) local';
    item.tooltip = `FlowTracer runs are recorded as ${describeActor(account.actor())}`;
    item.command = session ? 'flowtracer.signOut' : 'flowtracer.signIn';
    item.show();
    void vscode.commands.executeCommand('setContext', 'flowtracer.signedIn', session !== undefined);
  };
  update();
  const sub = account.onDidChange(update);
  return { dispose: () => (sub.dispose(), item.dispose()) };
}
