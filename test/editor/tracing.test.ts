// Tracing from VS Code: the flowtracer.tracing.* settings reach the executor (its spans arrive at the endpoint), Open Trace opens the message's trace.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import type { ExecutorOutcome } from '../../client/executor/executor-process';
import type { TestedApi } from './support/workspace';
import { deleteQueues, flowTracer, journalOf, mqCopyFlow, publish, until, writeFlow } from './support/run-fixtures';
import { ScriptedPrompter } from './support/scripted-prompter';

interface PostedSpan {
  readonly traceId: string;
  readonly name: string;
  readonly localEndpoint?: { readonly serviceName?: string };
}

/** A collector stand-in on a free port: records the Zipkin v2 spans posted to /api/v2/spans. */
async function spanCollector(): Promise<{ url: string; spans: PostedSpan[]; server: Server }> {
  const spans: PostedSpan[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method === 'POST' && request.url === '/api/v2/spans') spans.push(...(JSON.parse(Buffer.concat(chunks).toString('utf8')) as PostedSpan[]));
      response.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans, server };
}

describe('FlowTracer tracing in VS Code', function () {
  this.timeout(120_000);
  let api: TestedApi;
  const tag = randomUUID().slice(0, 8);
  const inbox = `ft-editor-traced-in-${tag}`;
  const outbox = `ft-editor-traced-out-${tag}`;
  const config = () => vscode.workspace.getConfiguration('flowtracer');
  let collector: Awaited<ReturnType<typeof spanCollector>>;

  before(async () => {
    api = await flowTracer();
    api.test.setTrusted(true);
    await api.test.setGithubSessionProvider({ getSession: () => Promise.resolve(undefined), signOut: () => Promise.resolve() });
    collector = await spanCollector();
  });
  after(async () => {
    for (const key of ['tracing.exporter', 'tracing.endpoint', 'tracing.serviceName', 'tracing.uiUrl']) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    api.test.setOpener(undefined);
    api.test.setPrompter(undefined);
    await new Promise<void>((resolve) => collector.server.close(() => resolve()));
    await deleteQueues(inbox, outbox);
  });

  it('exports a run\'s spans where the settings say, and Open Trace opens the message\'s trace in the configured UI', async () => {
    await config().update('tracing.exporter', 'zipkin', vscode.ConfigurationTarget.Global);
    await config().update('tracing.endpoint', `${collector.url}/api/v2/spans`, vscode.ConfigurationTarget.Global);
    await config().update('tracing.serviceName', `editor-${tag}`, vscode.ConfigurationTarget.Global);
    await config().update('tracing.uiUrl', 'http://127.0.0.1:16686/trace/${traceId}', vscode.ConfigurationTarget.Global);
    await publish(inbox, ['{"n":1}']);
    const uri = await writeFlow('editor-traced.flow.yaml', mqCopyFlow('editor-traced', inbox, outbox, { untilEmpty: true }));
    const outcome = (await vscode.commands.executeCommand('flowtracer.runFlow', uri, 'warn')) as ExecutorOutcome;
    assert.equal(outcome.status, 'succeeded', outcome.error);
    const run = api.test.runsTree.history.find((r) => r.runId === outcome.runId)!;
    const delivered = (await journalOf(run.location)).find((r) => r.t === 'delivered')!;
    const traceId = String(delivered['traceId']);

    const spans = await until('the run\'s spans at the collector', () => {
      const mine = collector.spans.filter((s) => s.traceId === traceId);
      return mine.length >= 2 ? mine : undefined;
    });
    assert.deepEqual(spans.map((s) => s.name).sort(), [`process ${inbox}`, `publish amq.default:${outbox}`]);
    assert.deepEqual([...new Set(spans.map((s) => s.localEndpoint?.serviceName))], [`editor-${tag}`]);

    const opened: string[] = [];
    api.test.setOpener((link) => {
      opened.push(link.toString(true));
      return Promise.resolve(true);
    });
    const prompter = new ScriptedPrompter([() => '(no key)']);
    api.test.setPrompter(prompter);
    const url = await vscode.commands.executeCommand('flowtracer.openTrace', outcome.runId);
    assert.equal(url, `http://127.0.0.1:16686/trace/${traceId}`);
    assert.deepEqual(opened, [`http://127.0.0.1:16686/trace/${traceId}`]);
    assert.equal(prompter.unanswered, 0);
  });

  it('Trace Message draws the message\'s path on the flow\'s diagram with each hop\'s measured duration', async () => {
    await publish(inbox, ['{"n":2}']);
    const uri = await writeFlow('editor-trace-path.flow.yaml', mqCopyFlow('editor-trace-path', inbox, outbox, { untilEmpty: true }));
    const outcome = (await vscode.commands.executeCommand('flowtracer.runFlow', uri, 'warn')) as ExecutorOutcome;
    assert.equal(outcome.status, 'succeeded', outcome.error);
    const run = api.test.runsTree.history.find((r) => r.runId === outcome.runId)!;
    const records = await journalOf(run.location);
    const delivered = records.find((r) => r.t === 'delivered')!;
    const inFlight = records.find((r) => r.t === 'in-flight')!;
    const traceId = String(delivered['traceId']);

    await vscode.commands.executeCommand('flowtracer.traceMessage', outcome.runId, traceId);
    // The diagram was opened beside and given the path: both ends, the connection, and the time from in-flight to the confirm.
    assert.ok(api.test.diagrams.panelFor(uri), 'the flow\'s diagram is open');
    const path = api.test.diagramProbe.traces(uri).at(-1);
    const measured = Date.parse(String(delivered['at'])) - Date.parse(String(inFlight['at']));
    assert.deepEqual(path, { traceId, components: ['Inbox', 'Outbox'], connections: [0], durations: { 0: measured } });
    assert.ok(api.test.logText().includes(`delivered Inbox -> Outbox key (none) (${measured} ms)`), api.test.logText().slice(-2000));
  });
});
