// Fail, fix, retry in a real VS Code: a RabbitMQ queue limit refuses messages, lifting it and retrying moves only the parked ones.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { ExecutorOutcome } from '../../client/executor/executor-process';
import type { RunsNode } from '../../client/views/runs-tree';
import { deleteQueues, flowTracer, journalOf, mqCopyFlow, publish, queueDepth, writeFlow } from './support/run-fixtures';

const run = promisify(execFile);
const POLICY = 'flowtracer-editor-retry';

describe('FlowTracer retry in VS Code (RabbitMQ)', function () {
  this.timeout(120_000);
  const tag = randomUUID().slice(0, 8);
  const inbox = `ft-retry-in-${tag}`;
  const outbox = `ft-retry-out-${tag}`;

  before(async () => {
    // The fault: the target queue takes 3 messages and refuses (nacks) the rest.
    await run('rabbitmqctl', ['set_policy', POLICY, `^${outbox}$`, '{"max-length":3,"overflow":"reject-publish"}', '--apply-to', 'queues']);
  });
  after(async () => {
    await run('rabbitmqctl', ['clear_policy', POLICY]).catch(() => undefined);
    await deleteQueues(inbox, outbox);
  });

  it('parks what the target refused, and Retry Failed Component re-delivers exactly those after the fix', async () => {
    const api = await flowTracer();
    api.test.setTrusted(true);
    await publish(inbox, ['{"n":1}', '{"n":2}', '{"n":3}', '{"n":4}', '{"n":5}']);
    const flow = mqCopyFlow('editor-retry', inbox, outbox, { untilEmpty: true, retry: '{ strategy: fixed, delay: 50ms, maxAttempts: 2 }' });
    const uri = await writeFlow('editor-retry.flow.yaml', flow);
    const first = (await vscode.commands.executeCommand('flowtracer.runFlow', uri, 'warn')) as ExecutorOutcome;
    assert.equal(first.status, 'failed');
    const failedRun = api.test.runsTree.history.find((r) => r.runId === first.runId)!;
    const failedNode: RunsNode = { kind: 'component', run: failedRun, component: failedRun.components.find((c) => c.name === 'Outbox')! };
    const failedItem = api.test.runsTree.getTreeItem(failedNode);
    assert.equal(failedItem.contextValue, 'component.failed');
    assert.match(String(failedItem.description), /^failed · 3 received · 2 parked/);
    const parkedSources = (await journalOf(failedRun.location)).filter((r) => r.t === 'parked').map((r) => r['source']);
    assert.equal(parkedSources.length, 2);

    await run('rabbitmqctl', ['clear_policy', POLICY]);
    const retried = (await vscode.commands.executeCommand('flowtracer.retryFailedComponent', failedNode)) as ExecutorOutcome;
    assert.equal(retried.status, 'succeeded');
    assert.equal(await queueDepth(outbox), 5);
    const journal = await journalOf(failedRun.location);
    const afterRetry = journal.slice(journal.findIndex((r) => r.t === 'retry-start'));
    assert.deepEqual(afterRetry.filter((r) => r.t === 'delivered').map((r) => r['source']).sort(), [...parkedSources].sort());
    const outboxNow = api.test.runsTree.history.find((r) => r.runId === first.runId)!.components.find((c) => c.name === 'Outbox')!;
    assert.deepEqual([outboxNow.status, outboxNow.received, outboxNow.parked], ['succeeded', 5, 0]);
    assert.ok(api.test.logText().includes(`[info] === Retry Outbox of editor-retry · mode warn`));
    // The walkthrough's "retry what failed" step is ticked by a retry that delivered.
    assert.ok(api.test.walkthrough.completed.includes('retriedComponent'));
  });
});
