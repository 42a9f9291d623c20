// Access rules in a real VS Code: a session injected through the test seam, memberships from a local fake GitHub.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { ExecutorOutcome } from '../../client/executor/executor-process';
import { startFakeGithub, type FakeGithub } from '../support/fake-github';
import { deleteQueues, flowTracer, journalOf, mqCopyFlow, publish, writeFlow } from './support/run-fixtures';

describe('FlowTracer access rules in VS Code', function () {
  this.timeout(120_000);
  let github: FakeGithub;
  const tag = randomUUID().slice(0, 8);

  before(async () => {
    github = await startFakeGithub({ tokens: { 'tok-dave': 'dave', 'tok-bob': 'bob' }, orgs: { acme: ['bob'] }, teams: {} });
    await vscode.workspace.getConfiguration('flowtracer').update('github.apiUrl', github.url, vscode.ConfigurationTarget.Workspace);
  });
  after(async () => {
    const api = await flowTracer();
    await api.test.setGithubSessionProvider(undefined);
    await vscode.workspace.getConfiguration('flowtracer').update('github.apiUrl', undefined, vscode.ConfigurationTarget.Workspace);
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
    assert.equal((await journalOf(run.directory)).find((r) => r.t === 'run-start')?.['actor'], 'github:bob/2');
    assert.equal(api.test.runsTree.getTreeItem({ kind: 'run', run }).description, 'succeeded · warn · bob (GitHub)');
    assert.ok(api.test.logText().includes('[info] access: bob is a member of acme'));
  });
});
