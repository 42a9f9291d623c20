// A run painted on its open diagram while it goes (RabbitMQ): states and counts arrive before the run ends, throttled.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { TestedApi } from './support/workspace';
import type { ExecutorOutcome } from '../../client/executor/executor-process';
import { deleteQueues, flowTracer, mqCopyFlow, publish, queueDepth, until } from './support/run-fixtures';
import { within } from './support/until';
import { openFlow } from './support/workspace';

describe('FlowTracer run status on the diagram in VS Code (RabbitMQ)', function () {
  this.timeout(120_000);
  let api: TestedApi;
  const tag = randomUUID().slice(0, 8);
  const inbox = `ft-live-in-${tag}`;
  const outbox = `ft-live-out-${tag}`;

  before(async () => {
    api = await flowTracer();
    api.test.setTrusted(true);
    await api.test.setGithubSessionProvider({ getSession: () => Promise.resolve(undefined), signOut: () => Promise.resolve() });
  });
  after(() => deleteQueues(inbox, outbox));

  it('paints each component and the connection as messages move, before the run ends, and the final state after it', async () => {
    const { uri, document } = await openFlow(`live-${tag}.flow.yaml`, mqCopyFlow(`live-${tag}`, inbox, outbox, { untilEmpty: false }));
    await vscode.commands.executeCommand('flowtracer.showDiagram', uri);
    // The first drawing of a session waits for the layout worker to start: on a loaded machine that takes a while.
    await within('the diagram', api.test.diagramProbe.waitForRender(uri, (r) => r.version === document.version), 60_000);
    await publish(inbox, ['{"n":1}', '{"n":2}', '{"n":3}']);

    // The source waits for more messages until stopped, so everything below happens during the run.
    let ended = false;
    const running = Promise.resolve(vscode.commands.executeCommand<ExecutorOutcome>('flowtracer.runFlow', uri, 'warn')).finally(() => (ended = true));
    const painted = () => api.test.diagramProbe.statuses(uri).painted.map((p) => p.painted);
    const first = await until('the webview to paint 3 messages moved', () => painted().find((p) => p.edges[0] === '3 messages'));
    assert.deepEqual(first.nodes, { Inbox: 'running · 3 ok', Outbox: 'running · 3 ok' });
    assert.equal(ended, false, 'the status was painted while the run went on');
    assert.match(api.test.runStatusBar().text, /^\$\(sync~spin\) live-\w+ Inbox -> Outbox: \d\/\d$/);
    assert.equal(api.test.runStatusBar().command, 'flowtracer.stopRun');

    await publish(inbox, ['{"n":4}', '{"n":5}']);
    const second = await until('the webview to paint 5 messages moved', () => painted().find((p) => p.edges[0] === '5 messages'));
    assert.deepEqual(second.nodes, { Inbox: 'running · 5 ok', Outbox: 'running · 5 ok' });
    assert.equal(ended, false);

    await vscode.commands.executeCommand('flowtracer.stopRun');
    const outcome = await running;
    assert.equal(outcome.status, 'stopped');
    // After the run the diagram says what the Runs view (the journal) says of the target, and the source follows it.
    const record = api.test.runsTree.history.find((r) => r.runId === outcome.runId);
    const journaled = record?.components.find((c) => c.name === 'Outbox')?.status;
    assert.ok(journaled === 'succeeded' || journaled === 'skipped', `Outbox is ${journaled} in the journal`);
    const shown = journaled === 'skipped' ? 'stopped' : journaled;
    // The run's end was posted before the command returned; the webview's report of it follows.
    const final = { Inbox: `${shown} · 5 ok`, Outbox: `${shown} · 5 ok` };
    const last = await until('the final status to be painted', () => {
      const p = painted().at(-1);
      return p && JSON.stringify(p.nodes) === JSON.stringify(final) ? p : undefined;
    }, 10_000).catch((error: Error) => assert.fail(`${error.message}; painted last: ${JSON.stringify(painted().slice(-3))}`));
    assert.equal(last.runId, outcome.runId);
    assert.equal(last.edges[0], '5 messages');
    assert.match(api.test.runStatusBar().text, /^\$\(debug-stop\) live-\w+: stopped · 5 delivered$/);
    // Every status the host posted belongs to this run (a new run replaces the old status, not mixes with it).
    const posted = api.test.diagramProbe.statuses(uri).posted;
    assert.ok(posted.length >= 3, `posted ${posted.length}`);
    assert.deepEqual([...new Set(posted.map((p) => p.status?.runId))], [outcome.runId]);
  });

  it('after a dry run the status bar, the Runs view and the diagram say what it would deliver, never that it delivered', async () => {
    const dryIn = `ft-dry-in-${tag}`;
    const dryOut = `ft-dry-out-${tag}`;
    try {
      const { uri, document } = await openFlow(`dry-${tag}.flow.yaml`, mqCopyFlow(`dry-${tag}`, dryIn, dryOut, { untilEmpty: true }));
      await vscode.commands.executeCommand('flowtracer.showDiagram', uri);
      await within('the diagram', api.test.diagramProbe.waitForRender(uri, (r) => r.version === document.version), 60_000);
      await publish(dryIn, ['{"n":1}', '{"n":2}', '{"n":3}']);
      const outcome = await vscode.commands.executeCommand<ExecutorOutcome>('flowtracer.dryRunFlow', uri);
      assert.equal(outcome.status, 'succeeded', outcome.error);
      assert.equal(await queueDepth(dryOut), 0, 'the dry run published nothing');

      assert.equal(api.test.runStatusBar().text, `$(pass) dry-${tag}: succeeded · would deliver 3`);
      await api.test.runsTree.refresh();
      const run = api.test.runsTree.history.find((r) => r.runId === outcome.runId)!;
      assert.match(String(api.test.runsTree.getTreeItem({ kind: 'run', run }).description), /^succeeded · dry-run · would deliver 3 · /);
      const outbox = run.components.find((c) => c.name === 'Outbox')!;
      assert.match(String(api.test.runsTree.getTreeItem({ kind: 'component', run, component: outbox }).description), /^succeeded · would receive 3/);

      const painted = () => api.test.diagramProbe.statuses(uri).painted.map((p) => p.painted).filter((p) => p.runId === outcome.runId);
      const last = await until('the dry run to be painted', () => painted().find((p) => p.nodes['Outbox'] === 'succeeded · would deliver 3'), 10_000)
        .catch((error: Error) => assert.fail(`${error.message}; painted: ${JSON.stringify(painted().slice(-2))}`));
      assert.equal(last.edges[0], 'would deliver 3');
    } finally {
      await deleteQueues(dryIn, dryOut);
    }
  });
});
