// Runs from the command palette in a real VS Code against RabbitMQ: Runs view, journal, log; Stop ends a waiting run.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import * as vscode from 'vscode';
import type { TestedApi } from './support/workspace';
import type { ExecutorOutcome } from '../../client/executor/executor-process';
import { deleteQueues, flowTracer, journalOf, mqCopyFlow, publish, queueDepth, until, writeFlow } from './support/run-fixtures';

describe('FlowTracer runs in VS Code (RabbitMQ)', function () {
  this.timeout(120_000);
  let api: TestedApi;
  const tag = randomUUID().slice(0, 8);
  const inbox = `ft-editor-in-${tag}`;
  const outbox = `ft-editor-out-${tag}`;

  before(async () => {
    api = await flowTracer();
    api.test.setTrusted(true);
    await api.test.setGithubSessionProvider({ getSession: () => Promise.resolve(undefined), signOut: () => Promise.resolve() });
  });
  after(() => deleteQueues(inbox, outbox, `${inbox}-wait`, `${outbox}-wait`));

  it('Run Flow moves every message, and the Runs view, the journal and the log say so', async () => {
    await publish(inbox, ['{"n":1}', '{"n":2}', '{"n":3}', '{"n":4}', '{"n":5}']);
    const uri = await writeFlow('editor-copy.flow.yaml', mqCopyFlow('editor-copy', inbox, outbox, { untilEmpty: true }));
    const outcome = (await vscode.commands.executeCommand('flowtracer.runFlow', uri, 'warn')) as ExecutorOutcome;
    assert.equal(outcome.status, 'succeeded');
    assert.equal(await queueDepth(outbox), 5);

    const runs = api.test.runsTree.getChildren();
    const top = runs[0]!;
    assert.equal(top.kind, 'run');
    assert.equal(top.run.runId, outcome.runId);
    const item = api.test.runsTree.getTreeItem(top);
    assert.equal(item.label, `editor-copy · ${outcome.runId}`);
    assert.equal(item.description, `succeeded · warn · ${os.userInfo().username} (local, not signed in)`);
    const components = api.test.runsTree.getChildren(top).map((n) => {
      const i = api.test.runsTree.getTreeItem(n);
      return [i.label, String(i.description).replace(/ · [\d.]+(s| ms)$/, '')];
    });
    // The summary lists the components a run writes to; a pure source has no status of its own.
    assert.deepEqual(components, [['Outbox', 'succeeded · 5 received']]);

    const journal = await journalOf(top.run.location);
    assert.equal(journal.filter((r) => r.t === 'delivered').length, 5);
    assert.equal(journal.find((r) => r.t === 'run-start')?.['actor'], `local:${os.userInfo().username}`);

    const log = api.test.logText();
    assert.ok(log.includes(`[info] === Run editor-copy · mode warn · actor ${os.userInfo().username} (local, not signed in) · run ${outcome.runId} ===`), log);
    assert.match(log, /\[info\] Outbox succeeded in [\d.]+(s| ms): 5 delivered, 0 parked, 0 filtered/);
  });

  it('Stop Run ends a run that waits for messages, and its journal says it stopped', async () => {
    await publish(`${inbox}-wait`, ['{"n":1}']);
    const uri = await writeFlow('editor-wait.flow.yaml', mqCopyFlow('editor-wait', `${inbox}-wait`, `${outbox}-wait`, { untilEmpty: false }));
    const running = vscode.commands.executeCommand('flowtracer.runFlow', uri, 'warn') as Thenable<ExecutorOutcome>;
    await until('the first message to arrive', async () => ((await queueDepth(`${outbox}-wait`)) === 1 ? true : undefined));
    await vscode.commands.executeCommand('flowtracer.stopRun');
    const outcome = await running;
    assert.equal(outcome.status, 'stopped');
    const run = api.test.runsTree.history.find((r) => r.runId === outcome.runId);
    assert.equal(run?.status, 'stopped');
    assert.ok(api.test.logText().includes('[info] stop requested'));
  });
});
