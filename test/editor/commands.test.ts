// Access rules in a real VS Code: a session injected through the test seam, memberships from a local fake GitHub.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { ExecutorOutcome } from '../../client/executor/executor-process';
import { startFakeGithub, type FakeGithub } from '../support/fake-github';
import { deleteQueues, flowTracer, journalOf, mqCopyFlow, publish, workspaceFolder, writeFlow } from './support/run-fixtures';

describe('FlowTracer access rules in VS Code', function () {
  this.timeout(120_000);
  let github: FakeGithub;
  const tag = randomUUID().slice(0, 8);

  before(async () => {
    github = await startFakeGithub({ tokens: { 'tok-dave': 'dave', 'tok-bob': 'bob' }, orgs: { acme: ['bob'] }, teams: {} });
    // The fake stands where the user's GitHub Enterprise host would be: only user settings steer the token.
    await vscode.workspace.getConfiguration('github-enterprise').update('uri', github.url, vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    const api = await flowTracer();
    await api.test.setGithubSessionProvider(undefined);
    await vscode.workspace.getConfiguration('github-enterprise').update('uri', undefined, vscode.ConfigurationTarget.Global);
    await github.close();
    await deleteQueues(`ft-access-in-${tag}`, `ft-access-out-${tag}`);
  });

  const signedInAs = async (login: string, id: string) => {
    const api = await flowTracer();
    api.test.setTrusted(true);
    await api.test.setGithubSessionProvider({ getSession: () => Promise.resolve({ login, id, accessToken: `tok-${login}` }), signOut: () => Promise.resolve() });
    return api;
  };

  it('refuses a signed-in user outside the rule and says who is signed in and what the flow requires', async () => {
    const api = await signedInAs('dave', '4');
    const uri = await writeFlow('editor-access.flow.yaml', mqCopyFlow('editor-access', `ft-access-in-${tag}`, `ft-access-out-${tag}`, { untilEmpty: true, access: '{ orgs: [acme] }' }));
    const outcome = await vscode.commands.executeCommand('flowtracer.runFlow', uri, 'warn');
    assert.equal(outcome, undefined);
    assert.ok(api.test.logText().includes('[warn] refused: dave is signed in to GitHub, but this flow may be run only by a member of acme.'));
    assert.ok(github.requests.includes('/user/memberships/orgs/acme'));
  });

  it('runs for a member of the org and records the GitHub actor in the journal and the Runs view', async () => {
    const api = await signedInAs('bob', '2');
    await publish(`ft-access-in-${tag}`, ['{"n":1}']);
    const uri = await writeFlow('editor-access.flow.yaml', mqCopyFlow('editor-access', `ft-access-in-${tag}`, `ft-access-out-${tag}`, { untilEmpty: true, access: '{ orgs: [acme] }' }));
    const outcome = (await vscode.commands.executeCommand('flowtracer.runFlow', uri, 'warn')) as ExecutorOutcome;
    assert.equal(outcome.status, 'succeeded');
    const run = api.test.runsTree.history.find((r) => r.runId === outcome.runId)!;
    assert.equal((await journalOf(run.location)).find((r) => r.t === 'run-start')?.['actor'], 'github:bob/2');
    assert.equal(api.test.runsTree.getTreeItem({ kind: 'run', run }).description, 'succeeded · warn · bob (GitHub)');
    assert.ok(api.test.logText().includes('[info] access: bob is a member of acme'));
  });

  it('sends the token only where the user settings say: the workspace\'s API URL and Enterprise URI are ignored, and the run says so', async () => {
    // The workspace's pick of GitHub: it would let anyone in, and would read the token off every request.
    const hostile = await startFakeGithub({ tokens: { 'tok-dave': 'dave' }, orgs: { acme: ['dave'] }, teams: {} });
    const settingsFile = vscode.Uri.joinPath(workspaceFolder(), '.vscode', 'settings.json');
    const before = await vscode.workspace.fs.readFile(settingsFile).then((b) => new TextDecoder().decode(b), () => undefined);
    try {
      // What a cloned repository's .vscode/settings.json carries (VS Code refuses to write an application-scoped
      // setting there itself, so the file is written as the repository would ship it).
      const settings = { ...(before ? (JSON.parse(before) as object) : {}), 'flowtracer.github.apiUrl': hostile.url };
      await vscode.workspace.fs.writeFile(settingsFile, new TextEncoder().encode(JSON.stringify(settings, null, 2)));
      // Written through VS Code, which also makes it read the file again.
      await vscode.workspace.getConfiguration('github-enterprise').update('uri', hostile.url, vscode.ConfigurationTarget.Workspace);
      github.requests.splice(0);
      const api = await signedInAs('dave', '4');
      const uri = await writeFlow('editor-access-host.flow.yaml', mqCopyFlow('editor-access-host', `ft-access-in-${tag}`, `ft-access-out-${tag}`, { untilEmpty: true, access: '{ orgs: [acme] }' }));
      const outcome = await vscode.commands.executeCommand('flowtracer.runFlow', uri, 'warn');
      assert.equal(outcome, undefined);
      assert.deepEqual(hostile.requests, [], 'the workspace\'s server received no request');
      assert.ok(github.requests.includes('/user/memberships/orgs/acme'), 'the user\'s GitHub Enterprise host was asked');
      const log = api.test.logText();
      const hostPort = new URL(github.url).host;
      assert.ok(log.includes(`[warn] ignored the workspace's flowtracer.github.apiUrl (${settingsFile.fsPath}): the GitHub token goes only to https://api.github.com or your GitHub Enterprise host ${hostPort}; only your user settings can change that`), log);
      assert.ok(log.includes(`[warn] ignored the workspace's github-enterprise.uri (${settingsFile.fsPath}): the GitHub token goes only to https://api.github.com or your GitHub Enterprise host ${hostPort}`));
      assert.ok(log.includes('[warn] refused: dave is signed in to GitHub, but this flow may be run only by a member of acme.'));
    } finally {
      await vscode.workspace.getConfiguration('github-enterprise').update('uri', undefined, vscode.ConfigurationTarget.Workspace);
      if (before === undefined) await vscode.workspace.fs.delete(settingsFile);
      else await vscode.workspace.fs.writeFile(settingsFile, new TextEncoder().encode(before));
      await hostile.close();
    }
  });
});
