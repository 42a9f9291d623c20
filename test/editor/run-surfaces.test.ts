// Set Secret, the CodeLens and the run status bar item in a real VS Code, around one RabbitMQ run whose URL holds a secret.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { TestedApi } from './support/workspace';
import type { ExecutorOutcome } from '../../client/executor/executor-process';
import { AMQP_URL, deleteQueues, flowTracer, publish, queueDepth } from './support/run-fixtures';
import { ScriptedPrompter } from './support/scripted-prompter';
import { openFlow } from './support/workspace';

const rabbitmqctl = promisify(execFile);

describe('FlowTracer Set Secret, CodeLens and status bar in VS Code (RabbitMQ)', function () {
  this.timeout(120_000);
  let api: TestedApi;
  const tag = randomUUID().slice(0, 8);
  const secretName = `ft-amqp-login-${tag}`;
  const inbox = `ft-secret-in-${tag}`;
  const outbox = `ft-secret-out-${tag}`;
  // The login part of the broker URL is the secret: `user:password`, never written in the flow.
  const broker = new URL(AMQP_URL);
  const login = `${broker.username}:${broker.password}`;
  const url = `${broker.protocol}//\${secret:${secretName}}@${broker.host}${broker.pathname}`;
  const flowId = `secret-${tag}`;
  const flowText = (id: string, from: string, to: string, extra: readonly string[] = []) => [
    `flow: ${id}`,
    ...extra,
    'components:',
    `  Inbox: { type: mq, url: "${url}", queue: ${from} }`,
    `  Outbox: { type: mq, url: "${url}", queue: ${to} }`,
    'connections:',
    '  - from: Inbox',
    '    to: Outbox',
    '    select: { until: empty }',
    '',
  ].join('\n');
  const FLOW = flowText(flowId, inbox, outbox);
  // The fault for the Retry lens: the target queue takes one message and refuses (nacks) the rest.
  const policy = `flowtracer-editor-lens-${tag}`;
  const failIn = `ft-lens-in-${tag}`;
  const failOut = `ft-lens-out-${tag}`;
  let uri: vscode.Uri;
  let document: vscode.TextDocument;
  let outcome: ExecutorOutcome;

  const lenses = async (of = uri) => {
    const found = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', of);
    // Uris compare by their text (an instance carries caches).
    return found.map((l) => ({ line: l.range.start.line, title: l.command?.title, command: l.command?.command, args: (l.command?.arguments ?? []).map((a: unknown) => (a instanceof vscode.Uri ? a.toString() : a)) }));
  };

  before(async () => {
    api = await flowTracer();
    api.test.setTrusted(true);
    await api.test.setGithubSessionProvider({ getSession: () => Promise.resolve(undefined), signOut: () => Promise.resolve() });
    ({ uri, document } = await openFlow(`${flowId}.flow.yaml`, FLOW));
  });
  after(async () => {
    api.test.setPrompter(undefined);
    await rabbitmqctl('rabbitmqctl', ['clear_policy', policy]).catch(() => undefined);
    await deleteQueues(inbox, outbox, failIn, failOut);
  });

  const lineOf = (text: string, component: string) => text.split('\n').findIndex((l) => l.startsWith(`  ${component}:`));
  const messagesLens = (of: vscode.Uri, text: string, component: string) => ({ line: lineOf(text, component), title: 'Messages', command: 'flowtracer.showMessages', args: [{ flowtracerUri: of.toString(), flowtracerComponent: component }] });

  it('CodeLens offers Run, Dry run and Diagram above `flow:` of a flow that never ran, with the flow as argument, and Messages on each mq component', async () => {
    assert.deepEqual(await lenses(), [
      { line: 0, title: '$(play) Run', command: 'flowtracer.runFlow', args: [uri.toString()] },
      { line: 0, title: 'Dry run', command: 'flowtracer.dryRunFlow', args: [uri.toString()] },
      { line: 0, title: 'Diagram', command: 'flowtracer.showDiagram', args: [uri.toString()] },
      messagesLens(uri, FLOW, 'Inbox'),
      messagesLens(uri, FLOW, 'Outbox'),
    ]);
  });

  it('Set Secret stores the value in the secret storage, asks for it as a password, and never writes it in the log', async () => {
    const before = await vscode.commands.executeCommand<ExecutorOutcome>('flowtracer.runFlow', uri, 'warn');
    assert.equal(before.status, 'failed');
    assert.match(before.error ?? '', new RegExp(`secret '${secretName}' is not set`));

    const prompter = new ScriptedPrompter([
      async (p) => {
        assert.equal(p.kind === 'input' && (await p.options.validateInput?.('no spaces')), 'Letters, digits, _ . - only');
        return secretName;
      },
      (p) => (assert.equal(p.kind === 'input' && p.options.password, true, 'the value is typed as a password'), login),
    ]);
    api.test.setPrompter(prompter);
    await vscode.commands.executeCommand('flowtracer.setSecret');
    assert.equal(prompter.unanswered, 0);
    assert.ok(api.test.logText().includes(`[info] secret ${secretName} stored in the editor's secret storage`));
  });

  it('the Run lens runs the flow (the mode pick preselects the default) and the run resolves the stored secret', async () => {
    await publish(inbox, ['{"n":1}', '{"n":2}']);
    const run = (await lenses()).find((l) => l.title === '$(play) Run')!;
    api.test.setPrompter(new ScriptedPrompter([
      (p) => {
        const picked = p.kind === 'pick' ? p.items.filter((i) => i.picked) : [];
        assert.deepEqual(picked.map((i) => [i.label, i.description]), [['warn', "the flow's default"]]);
        return picked[0]!.label;
      },
    ]));
    // The lens's own command with its own argument (the flow's uri, as the lens carries it).
    outcome = await vscode.commands.executeCommand<ExecutorOutcome>(run.command!, vscode.Uri.parse(String(run.args[0])));
    assert.equal(outcome.status, 'succeeded', outcome.error);
    assert.equal(await queueDepth(outbox), 2);
    const log = api.test.logText();
    assert.ok(!log.includes(login) && !log.includes(AMQP_URL), 'the log never holds the secret');
    const directory = api.test.runsTree.history.find((r) => r.runId === outcome.runId)!.location;
    const journal = await readFile(join(directory, 'journal.ndjson'), 'utf8');
    assert.ok(journal.length > 0 && !journal.includes(login), 'the journal never holds the secret');
  });

  it('after the run, the status bar says how it ended and the CodeLens shows the component\'s last status', async () => {
    assert.deepEqual(api.test.runStatusBar(), {
      visible: true,
      text: `$(pass) ${flowId}: succeeded · 2 delivered`,
      tooltip: `FlowTracer run ${outcome.runId} of ${flowId} succeeded: click for the log`,
      command: 'flowtracer.showLogs',
    });
    const outboxLine = document.getText().split('\n').findIndex((l) => l.startsWith('  Outbox:'));
    const componentLenses = (await lenses()).filter((l) => l.line !== 0);
    assert.deepEqual(componentLenses, [messagesLens(uri, FLOW, 'Inbox'), messagesLens(uri, FLOW, 'Outbox'), { line: outboxLine, title: 'last run: succeeded', command: 'flowtracer.openRun', args: [outcome.runId] }]);
  });

  it('a failed run puts Retry above the failed component; after the fix the Retry lens re-delivers what was parked', async () => {
    await rabbitmqctl('rabbitmqctl', ['set_policy', policy, `^${failOut}$`, '{"max-length":1,"overflow":"reject-publish"}', '--apply-to', 'queues']);
    await publish(failIn, ['{"n":1}', '{"n":2}', '{"n":3}']);
    const failing = await openFlow(`lens-${tag}.flow.yaml`, flowText(`lens-${tag}`, failIn, failOut, ['defaults:', '  retry: { strategy: fixed, delay: 50ms, maxAttempts: 2 }']));
    const failed = await vscode.commands.executeCommand<ExecutorOutcome>('flowtracer.runFlow', failing.uri, 'warn');
    assert.equal(failed.status, 'failed');
    assert.equal(api.test.runStatusBar().text, `$(error) lens-${tag}: failed · 1 delivered, 2 parked`);
    const outboxLine = failing.document.getText().split('\n').findIndex((l) => l.startsWith('  Outbox:'));
    const component = (await lenses(failing.uri)).filter((l) => l.line === outboxLine);
    const target = { flowtracerUri: failing.uri.toString(), flowtracerComponent: 'Outbox' };
    assert.deepEqual(component, [
      messagesLens(failing.uri, failing.document.getText(), 'Outbox'),
      { line: outboxLine, title: 'last run: failed', command: 'flowtracer.openRun', args: [failed.runId] },
      { line: outboxLine, title: 'Retry', command: 'flowtracer.retryFailedComponent', args: [target, 'Outbox'] },
    ]);

    await rabbitmqctl('rabbitmqctl', ['clear_policy', policy]);
    const retry = component[2]!;
    const retried = await vscode.commands.executeCommand<ExecutorOutcome>(retry.command!, ...(retry.args as unknown[]));
    assert.equal(retried.status, 'succeeded');
    assert.equal(await queueDepth(failOut), 3);
    assert.deepEqual((await lenses(failing.uri)).filter((l) => l.line === outboxLine).map((l) => l.title), ['Messages', 'last run: succeeded']);
  });
});
