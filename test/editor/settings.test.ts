// FlowTracer's settings at work in a real VS Code: messagesInFlight bounds the writes a run leaves unconfirmed (a real HTTP
// server holding requests), the Runs view follows runsFolder, and a run takes defaultValidationMode when the flow names none.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ExecutorOutcome } from '../../client/executor/executor-process';
import { AMQP_URL, deleteQueues, flowTracer, mqCopyFlow, publish, until, workspaceFolder } from './support/run-fixtures';
import { ScriptedPrompter } from './support/scripted-prompter';
import type { TestedApi } from './support/workspace';
import { openFlow, writeFlow } from './support/workspace';

/**
 * An HTTP target that holds each POST unanswered: it answers the held ones together once `wave` are held, or when no
 * further request came for `quietMs` (fewer than a wave may be left at the end). It counts the most it ever held at once.
 */
class HoldingServer {
  readonly server: Server;
  private held: ServerResponse[] = [];
  private quiet: ReturnType<typeof setTimeout> | undefined;
  mostHeld = 0;
  answered = 0;

  constructor(private readonly wave: number, private readonly quietMs: number) {
    this.server = createServer((request: IncomingMessage, response: ServerResponse) => {
      if (request.method !== 'POST') return void response.end();
      request.resume().on('end', () => this.hold(response));
    });
  }

  private hold(response: ServerResponse): void {
    this.held.push(response);
    this.mostHeld = Math.max(this.mostHeld, this.held.length);
    clearTimeout(this.quiet);
    if (this.held.length >= this.wave) this.answerHeld();
    else this.quiet = setTimeout(() => this.answerHeld(), this.quietMs);
  }

  private answerHeld(): void {
    for (const response of this.held.splice(0)) {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      this.answered++;
    }
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/orders`;
  }

  close(): Promise<void> {
    clearTimeout(this.quiet);
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('FlowTracer settings in VS Code', function () {
  this.timeout(120_000);
  let api: TestedApi;
  const tag = randomUUID().slice(0, 8);
  const config = () => vscode.workspace.getConfiguration('flowtracer');

  before(async () => {
    api = await flowTracer();
    api.test.setTrusted(true);
    await api.test.setGithubSessionProvider({ getSession: () => Promise.resolve(undefined), signOut: () => Promise.resolve() });
  });
  after(() => api.test.setPrompter(undefined));

  it('flowtracer.messagesInFlight bounds how many writes a run leaves unconfirmed at once', async () => {
    const inbox = `ft-inflight-in-${tag}`;
    // Twelve messages, held in waves of five: with 256 in flight (the default) five are held at once; with 3, never more than 3.
    const target = new HoldingServer(5, 400);
    const url = await target.listen();
    try {
      await config().update('messagesInFlight', 3, vscode.ConfigurationTarget.Global);
      await publish(inbox, Array.from({ length: 12 }, (_, n) => JSON.stringify({ n })));
      const { uri } = await openFlow(`inflight-${tag}.flow.yaml`, [
        `flow: inflight-${tag}`,
        'components:',
        `  Inbox: { type: mq, url: "${AMQP_URL}", queue: ${inbox} }`,
        `  Orders: { type: api, url: "${url}" }`,
        'connections:',
        '  - from: Inbox',
        '    to: Orders',
        '    select: { until: empty }',
        '',
      ].join('\n'));
      const outcome = await vscode.commands.executeCommand<ExecutorOutcome>('flowtracer.runFlow', uri, 'warn');
      assert.equal(outcome.status, 'succeeded', outcome.error);
      assert.equal(target.answered, 12, 'every message reached the target');
      assert.equal(target.mostHeld, 3, 'never more than messagesInFlight requests unanswered at once');
    } finally {
      await config().update('messagesInFlight', undefined, vscode.ConfigurationTarget.Global);
      await target.close();
      await deleteQueues(inbox);
    }
  });

  it('the Runs view follows flowtracer.runsFolder: a run the CLI records there in a terminal shows up by itself', async () => {
    const folder = `runs-${tag}`;
    const queue = `ft-runs-folder-${tag}`;
    try {
      await config().update('runsFolder', folder, vscode.ConfigurationTarget.Workspace);
      const flowFile = await writeFlow(`runs-folder-${tag}.flow.yaml`, mqCopyFlow(`runs-folder-${tag}`, queue, `${queue}-out`, { untilEmpty: true }));
      const cli = join(vscode.extensions.getExtension('flowtracer.flowtracer')!.extensionPath, 'dist', 'executor', 'cli.js');
      const runsDir = join(workspaceFolder().fsPath, folder);
      const stdout = await new Promise<string>((resolve, reject) =>
        execFile(process.execPath, [cli, 'run', flowFile.fsPath, '--runs-dir', runsDir, '--json'], (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out))));
      const runId = (JSON.parse(stdout.trim().split('\n').at(-1)!) as { result: { runId: string } }).result.runId;
      // Nothing here refreshes the view: the watcher on the configured folder does (it may show the run while it ran first).
      const shown = await until(`run ${runId} in the Runs view, ended`, () => api.test.runsTree.history.find((r) => r.runId === runId && r.status !== 'running'), 20_000);
      assert.equal(shown.location, join(runsDir, runId));
      assert.equal(shown.status, 'succeeded');
    } finally {
      await config().update('runsFolder', undefined, vscode.ConfigurationTarget.Workspace);
      await deleteQueues(queue, `${queue}-out`);
    }
  });

  it('a flow that names no validation mode runs in flowtracer.defaultValidationMode: Run Flow preselects it, Run from Here uses it', async () => {
    const inbox = `ft-default-mode-${tag}`;
    try {
      await config().update('defaultValidationMode', 'strict', vscode.ConfigurationTarget.Global);
      const { uri } = await openFlow(`default-mode-${tag}.flow.yaml`, mqCopyFlow(`default-mode-${tag}`, inbox, `${inbox}-out`, { untilEmpty: true }));
      const prompter = new ScriptedPrompter([
        (p) => {
          const picked = p.kind === 'pick' ? p.items.filter((i) => i.picked) : [];
          assert.deepEqual(picked.map((i) => [i.label, i.description]), [['strict', 'your default (flowtracer.defaultValidationMode)']]);
          return picked[0]!.label;
        },
      ]);
      api.test.setPrompter(prompter);
      const picked = await vscode.commands.executeCommand<ExecutorOutcome>('flowtracer.runFlow', uri);
      assert.equal(prompter.unanswered, 0);
      assert.equal(picked.status, 'succeeded', picked.error);

      const fromHere = await vscode.commands.executeCommand<ExecutorOutcome>('flowtracer.runFromHere', { flowtracerUri: uri.toString(), flowtracerComponent: 'Inbox' });
      assert.equal(fromHere.status, 'succeeded', fromHere.error);
      await api.test.runsTree.refresh();
      const modes = [picked.runId, fromHere.runId].map((id) => api.test.runsTree.history.find((r) => r.runId === id)?.mode);
      assert.deepEqual(modes, ['strict', 'strict']);
    } finally {
      api.test.setPrompter(undefined);
      await config().update('defaultValidationMode', undefined, vscode.ConfigurationTarget.Global);
      await deleteQueues(inbox, `${inbox}-out`);
    }
  });
});
