// Set Secret, the CodeLens and the run status bar item in a real VS Code, around one RabbitMQ run whose URL holds a secret.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { FlowTracerApi } from '../../client/extension';
import type { ExecutorOutcome } from '../../client/executor/executor-process';
import { AMQP_URL, deleteQueues, flowTracer, publish, queueDepth } from './support/run-fixtures';
import { ScriptedPrompter } from './support/scripted-prompter';
import { openFlow } from './support/workspace';

describe('FlowTracer Set Secret, CodeLens and status bar in VS Code (RabbitMQ)', function () {
  this.timeout(120_000);
  let api: FlowTracerApi;
  const tag = randomUUID().slice(0, 8);
  const secretName = `ft-amqp-login-${tag}`;
  const inbox = `ft-secret-in-${tag}`;
  const outbox = `ft-secret-out-${tag}`;
  // The login part of the broker URL is the secret: `user:password`, never written in the flow.
  const broker = new URL(AMQP_URL);
  const login = `${broker.username}:${broker.password}`;
  const url = `${broker.protocol}//\${secret:${secretName}}@${broker.host}${broker.pathname}`;
  const flowId = `secret-${tag}`;
  const FLOW = [
    `flow: ${flowId}`,
    'components:',
    `  Inbox: { type: mq, url: "${url}", queue: ${inbox} }`,
    `  Outbox: { type: mq, url: "${url}", queue: ${outbox} }`,
    'connections:',
    '  - from: Inbox',
    '    to: Outbox',
    '    select: { until: empty }',
    '',
  ].join('\n');
  let uri: vscode.Uri;
  let document: vscode.TextDocument;
  let outcome: ExecutorOutcome;

  const lenses = async () => {
    const found = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
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
    await deleteQueues(inbox, outbox);
  });

  it('CodeLens offers Run, Dry run and Diagram above `flow:` of a flow that never ran, with the flow as argument', async () => {
    assert.deepEqual(await lenses(), [
      { line: 0, title: '$(play) Run', command: 'flowtracer.runFlow', args: [uri.toString()] },
      { line: 0, title: 'Dry run', command: 'flowtracer.dryRunFlow', args: [uri.toString()] },
      { line: 0, title: 'Diagram', command: 'flowtracer.showDiagram', args: [uri.toString()] },
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
    const directory = api.test.runsTree.history.find((r) => r.runId === outcome.runId)!.directory;
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
    assert.deepEqual(componentLenses, [{ line: outboxLine, title: 'last run: succeeded', command: 'flowtracer.openRun', args: [outcome.runId] }]);
  });
});
