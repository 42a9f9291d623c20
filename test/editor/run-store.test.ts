// The Runs view with a run store (flowtracer.runsStore) in a real VS Code: runs kept in PostgreSQL are listed, opened, traced, resumed and retried from the view, CodeLens shows their last status, nothing is written to the runs folder.
import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { ExecutorOutcome } from '../../client/executor/executor-process';
import type { RunsNode } from '../../client/views/runs-tree';
import type { TestedApi } from './support/workspace';
import { deleteQueues, flowTracer, mqCopyFlow, publish, queueDepth, until, workspaceFolder, writeFlow } from './support/run-fixtures';
import { ScriptedPrompter } from './support/scripted-prompter';

const run = promisify(execFile);
const PG_URL = process.env['FLOWTRACER_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const POLICY = 'flowtracer-editor-store-retry';

describe('FlowTracer Runs view with a run store (PostgreSQL)', function () {
  this.timeout(120_000);
  let api: TestedApi;
  const tag = randomUUID().slice(0, 8);
  const schema = `ft_editor_store_${tag}`;
  const store = `${PG_URL}?schema=${schema}`;
  const inbox = `ft-store-in-${tag}`;
  const outbox = `ft-store-out-${tag}`;
  const config = () => vscode.workspace.getConfiguration('flowtracer');
  const runsFolder = () => join(workspaceFolder().fsPath, '.flowtracer', 'runs');
  const storeRun = (runId: string | undefined) => api.test.runsTree.history.find((r) => r.runId === runId);

  before(async () => {
    api = await flowTracer();
    api.test.setTrusted(true);
    await api.test.setGithubSessionProvider({ getSession: () => Promise.resolve(undefined), signOut: () => Promise.resolve() });
    await config().update('runsStore', store, vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    await config().update('runsStore', undefined, vscode.ConfigurationTarget.Global);
    api.test.setPrompter(undefined);
    await run('rabbitmqctl', ['clear_policy', POLICY]).catch(() => undefined);
    await deleteQueues(inbox, outbox, `${inbox}-cli`, `${outbox}-cli`);
    execFileSync('psql', [PG_URL, '-Atqc', `DROP SCHEMA IF EXISTS "${schema}" CASCADE`], { stdio: 'pipe' });
  });

  it('lists a run the extension started from the store, with its components and counts, and writes nothing to the runs folder', async () => {
    await publish(inbox, ['{"n":1}', '{"n":2}']);
    const uri = await writeFlow(`store-${tag}.flow.yaml`, mqCopyFlow(`store-${tag}`, inbox, outbox, { untilEmpty: true }));
    const outcome = (await vscode.commands.executeCommand('flowtracer.runFlow', uri, 'warn')) as ExecutorOutcome;
    assert.equal(outcome.status, 'succeeded', outcome.error);
    assert.equal(await queueDepth(outbox), 2);
    assert.equal(existsSync(join(runsFolder(), outcome.runId!)), false, 'the run is not in the runs folder');

    const top = api.test.runsTree.getChildren()[0]!;
    assert.equal(top.kind, 'run');
    assert.equal(top.run.runId, outcome.runId);
    assert.equal(top.run.location, `${PG_URL} (schema ${schema}) run ${outcome.runId}`);
    const item = api.test.runsTree.getTreeItem(top);
    assert.equal(item.label, `store-${tag} · ${outcome.runId}`);
    assert.match(String(item.description), /^succeeded · warn · .+ \(local, not signed in\)$/);
    const components = api.test.runsTree.getChildren(top).map((n) => {
      const i = api.test.runsTree.getTreeItem(n);
      return [i.label, String(i.description).replace(/ · [\d.]+ ?m?s$/, '')];
    });
    assert.deepEqual(components, [['Outbox', 'succeeded · 2 received']]);

    // CodeLens reads the same history: the component's last status is the store's run (beside its Messages lens).
    const document = await vscode.workspace.openTextDocument(uri);
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
    const outboxLine = document.getText().split('\n').findIndex((l) => l.startsWith('  Outbox:'));
    const outboxLenses = lenses.filter((l) => l.range.start.line === outboxLine && l.command?.title !== 'Messages');
    assert.deepEqual(outboxLenses.map((l) => [l.command?.title, l.command?.arguments]), [['last run: succeeded', [outcome.runId]]]);
  });

  it('Open Run shows the store\'s summary and Trace Message follows a message through the store\'s journal', async () => {
    const listed = api.test.runsTree.history[0]!;
    const node: RunsNode = { kind: 'run', run: listed };
    await vscode.commands.executeCommand('flowtracer.openRun', node);
    const shown = vscode.window.activeTextEditor?.document;
    assert.equal(shown?.uri.scheme, 'untitled');
    const summary = JSON.parse(shown.getText()) as { runId: string; status: string; components: Record<string, string> };
    assert.deepEqual([summary.runId, summary.status, summary.components], [listed.runId, 'succeeded', { Outbox: 'succeeded' }]);

    const prompter = new ScriptedPrompter([(prompt) => (prompt.kind === 'pick' ? prompt.items[0]!.label : undefined)]);
    api.test.setPrompter(prompter);
    const hops = (await vscode.commands.executeCommand('flowtracer.traceMessage', node)) as { t: string; connection: string }[];
    assert.deepEqual(hops.map((h) => [h.t, h.connection]), [['in-flight', 'Inbox -> Outbox'], ['delivered', 'Inbox -> Outbox']]);
    assert.equal(prompter.unanswered, 0);
    assert.equal(prompter.prompts.length, 1);
    assert.equal(prompter.prompts[0]!.kind === 'pick' && prompter.prompts[0]!.items.length, 2, 'both messages of the run are offered');
  });

  it('a run the CLI writes into the store from outside VS Code shows after Refresh Runs', async () => {
    await publish(`${inbox}-cli`, ['{"n":1}']);
    const flowFile = await writeFlow(`store-cli-${tag}.flow.yaml`, mqCopyFlow(`store-cli-${tag}`, `${inbox}-cli`, `${outbox}-cli`, { untilEmpty: true }));
    const cli = join(vscode.extensions.getExtension('flowtracer.flowtracer')!.extensionPath, 'dist', 'executor', 'cli.js');
    const { stdout } = await run(process.execPath, [cli, 'run', flowFile.fsPath, '--runs-store', store, '--json'], { cwd: workspaceFolder().fsPath });
    const runId = (JSON.parse(stdout.trim().split('\n').at(-1)!) as { result: { runId: string } }).result.runId;
    assert.equal(storeRun(runId), undefined, 'a store has no watcher: the view does not know the run yet');

    await vscode.commands.executeCommand('flowtracer.refreshRuns');
    const shown = storeRun(runId);
    assert.deepEqual([shown?.status, shown?.flow, shown?.components.map((c) => [c.name, c.status, c.received])], ['succeeded', `store-cli-${tag}`, [['Outbox', 'succeeded', 1]]]);
    assert.equal(existsSync(join(runsFolder(), runId)), false);
  });

  it('Resume Run from the view continues a stopped run of the store where it stopped', async () => {
    const waitIn = `${inbox}-wait`;
    const waitOut = `${outbox}-wait`;
    try {
      await publish(waitIn, ['{"n":1}']);
      const uri = await writeFlow(`store-wait-${tag}.flow.yaml`, mqCopyFlow(`store-wait-${tag}`, waitIn, waitOut, { untilEmpty: false }));
      const running = vscode.commands.executeCommand('flowtracer.runFlow', uri, 'warn') as Thenable<ExecutorOutcome>;
      await until('the first message to arrive', async () => ((await queueDepth(waitOut)) === 1 ? true : undefined));
      await vscode.commands.executeCommand('flowtracer.stopRun');
      const stopped = await running;
      assert.equal(stopped.status, 'stopped');
      const listed = storeRun(stopped.runId)!;
      assert.equal(listed.status, 'stopped');

      await publish(waitIn, ['{"n":2}']);
      const resuming = vscode.commands.executeCommand('flowtracer.resumeRun', { kind: 'run', run: listed } satisfies RunsNode) as Thenable<ExecutorOutcome>;
      await until('the second message to arrive', async () => ((await queueDepth(waitOut)) === 2 ? true : undefined));
      await vscode.commands.executeCommand('flowtracer.stopRun');
      const resumed = await resuming;
      assert.deepEqual([resumed.runId, resumed.status], [stopped.runId, 'stopped']);
      const now = storeRun(stopped.runId)!;
      assert.deepEqual(now.components.map((c) => [c.name, c.received]), [['Outbox', 2]]);
      assert.equal((await api.test.runsTree.source!.records(now, ['resumed'])).length, 1, 'the store\'s journal records the resume');
      assert.equal(existsSync(join(runsFolder(), stopped.runId!)), false);
    } finally {
      await deleteQueues(waitIn, waitOut);
    }
  });

  it('Retry Failed Component from the view re-delivers what a store\'s run parked, and the view shows it', async () => {
    // The fault: the target queue takes 3 messages and refuses (nacks) the rest.
    const failIn = `${inbox}-fail`;
    const failOut = `${outbox}-fail`;
    try {
      await run('rabbitmqctl', ['set_policy', POLICY, `^${failOut}$`, '{"max-length":3,"overflow":"reject-publish"}', '--apply-to', 'queues']);
      await publish(failIn, ['{"n":1}', '{"n":2}', '{"n":3}', '{"n":4}', '{"n":5}']);
      const uri = await writeFlow(`store-retry-${tag}.flow.yaml`, mqCopyFlow(`store-retry-${tag}`, failIn, failOut, { untilEmpty: true, retry: '{ strategy: fixed, delay: 50ms, maxAttempts: 2 }' }));
      const first = (await vscode.commands.executeCommand('flowtracer.runFlow', uri, 'warn')) as ExecutorOutcome;
      assert.equal(first.status, 'failed');
      const failedRun = storeRun(first.runId)!;
      const failedNode: RunsNode = { kind: 'component', run: failedRun, component: failedRun.components.find((c) => c.name === 'Outbox')! };
      const failedItem = api.test.runsTree.getTreeItem(failedNode);
      assert.equal(failedItem.contextValue, 'component.failed');
      assert.match(String(failedItem.description), /^failed · 3 received · 2 parked/);
      assert.equal(api.test.runsTree.getTreeItem({ kind: 'run', run: failedRun }).contextValue, 'run.failed');

      await run('rabbitmqctl', ['clear_policy', POLICY]);
      const retried = (await vscode.commands.executeCommand('flowtracer.retryFailedComponent', failedNode)) as ExecutorOutcome;
      assert.equal(retried.status, 'succeeded', retried.error);
      assert.equal(await queueDepth(failOut), 5);
      const outboxNow = storeRun(first.runId)!.components.find((c) => c.name === 'Outbox')!;
      assert.deepEqual([outboxNow.status, outboxNow.received, outboxNow.parked], ['succeeded', 5, 0]);
      assert.equal(existsSync(join(runsFolder(), first.runId!)), false);
    } finally {
      await deleteQueues(failIn, failOut);
    }
  });

  it('lists nothing and says why in the log when the store cannot be reached', async () => {
    const unreachable = 'postgres://postgres@127.0.0.1:1/test?schema=nowhere';
    try {
      await config().update('runsStore', unreachable, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('flowtracer.refreshRuns');
      assert.deepEqual(api.test.runsTree.history, []);
      assert.match(api.test.logText(), /\[error\] the Runs view cannot read the runs: the run store postgres:\/\/postgres@127\.0\.0\.1:1\/test\?schema=nowhere cannot be used: .*ECONNREFUSED/);
    } finally {
      await config().update('runsStore', store, vscode.ConfigurationTarget.Global);
    }
    await vscode.commands.executeCommand('flowtracer.refreshRuns');
    assert.ok(api.test.runsTree.history.length >= 4, 'the store\'s runs are back');
  });
});
