// The first-hour walkthrough in a real VS Code: its steps are ticked by the real events (a flow opened, its diagram drawn,
// a run that succeeded, a message traced), through the context keys its completionEvents name.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { ExecutorOutcome } from '../../client/executor/executor-process';
import { WALKTHROUGH_STEPS } from '../../client/views/walkthrough-progress';
import { deleteQueues, flowTracer, journalOf, mqCopyFlow, publish } from './support/run-fixtures';
import { within } from './support/until';
import type { TestedApi } from './support/workspace';
import { openFlow } from './support/workspace';

describe('FlowTracer first-hour walkthrough in VS Code', function () {
  this.timeout(120_000);
  let api: TestedApi;
  const tag = randomUUID().slice(0, 8);
  const inbox = `ft-walk-in-${tag}`;
  const outbox = `ft-walk-out-${tag}`;

  before(async () => {
    api = await flowTracer();
    api.test.setTrusted(true);
    await api.test.setGithubSessionProvider({ getSession: () => Promise.resolve(undefined), signOut: () => Promise.resolve() });
  });
  after(() => deleteQueues(inbox, outbox));

  it('declares one step per event, each completed by its context key', () => {
    const manifest = vscode.extensions.getExtension('flowtracer.flowtracer')!.packageJSON as { contributes: { walkthroughs: { steps: { completionEvents: string[] }[] }[] } };
    assert.deepEqual(manifest.contributes.walkthroughs[0]!.steps.map((s) => s.completionEvents), WALKTHROUGH_STEPS.map((s) => [`onContext:flowtracer.walkthrough.${s}`]));
  });

  it('ticks open, diagram, run and trace as they happen', async () => {
    const { uri, document } = await openFlow(`walk-${tag}.flow.yaml`, mqCopyFlow(`walk-${tag}`, inbox, outbox, { untilEmpty: true }));
    assert.ok(api.test.walkthrough.completed.includes('openedFlow'));
    await vscode.commands.executeCommand('flowtracer.showDiagram', uri);
    await within('the diagram', api.test.diagramProbe.waitForRender(uri, (r) => r.version === document.version), 60_000);
    assert.ok(api.test.walkthrough.completed.includes('drewDiagram'));

    await publish(inbox, ['{"n":1}', '{"n":2}']);
    const outcome = await vscode.commands.executeCommand<ExecutorOutcome>('flowtracer.runFlow', uri, 'warn');
    assert.equal(outcome.status, 'succeeded', outcome.error);
    assert.ok(api.test.walkthrough.completed.includes('ranFlow'));

    const run = api.test.runsTree.history.find((r) => r.runId === outcome.runId)!;
    const delivered = (await journalOf(run.location)).find((r) => r.t === 'delivered')!;
    const hops = await vscode.commands.executeCommand<unknown[]>('flowtracer.traceMessage', outcome.runId, String(delivered['traceId']));
    assert.ok(hops.length > 0);
    assert.ok(api.test.walkthrough.completed.includes('tracedMessage'));
  });
});
