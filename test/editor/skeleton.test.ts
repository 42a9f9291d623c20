// The thinnest slice in a real VS Code: a broken flow gets its diagnostic; the diagram panel opens.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';
import { State } from 'vscode-languageclient';
import { EXTENSION_MODE_TEST, testApi } from '../../client/test-seams';
import type { FlowTracerApi } from '../../client/extension';
import { until } from './support/until';
import { flowTracer, openFlow } from './support/workspace';


describe('FlowTracer in VS Code', () => {
  it('runs in a workspace whose trust is the one the harness asked for', () => {
    const wanted = process.env.FLOWTRACER_EDITOR_WORKSPACE_TRUST ?? 'trusted';
    assert.equal(vscode.workspace.isTrusted, wanted === 'trusted');
  });

  it('exposes its test seams only in ExtensionMode.Test, which the harness runs it in', async () => {
    assert.equal(EXTENSION_MODE_TEST, vscode.ExtensionMode.Test);
    // activate() builds its API's seams through testApi: any other mode gets none of them.
    for (const mode of [vscode.ExtensionMode.Production, vscode.ExtensionMode.Development]) {
      assert.equal(testApi(mode, () => ({ setTrusted: () => undefined })), undefined);
    }
    const extension = vscode.extensions.getExtension<FlowTracerApi>('flowtracer.flowtracer');
    const api = await extension!.activate();
    assert.deepEqual(Object.keys(api).sort(), ['languageClient', 'test'], 'the API has nothing else (no diagram panels to post to)');
    for (const seam of ['setTrusted', 'setGithubSessionProvider', 'setConfirmHosts', 'setPrompter'] as const) {
      assert.equal(typeof api.test?.[seam], 'function', `${seam} is there in Test mode`);
    }
  });

  it('reports a YAML syntax error of a .flow.yaml at its line', async () => {
    const { uri, document } = await openFlow('broken-syntax.flow.yaml', 'flow: broken\ncomponents:\n  A: { type: kafka\n  B:\n');
    assert.equal(document.languageId, 'flow-yaml');
    const diagnostics = await until('diagnostics', () => {
      const found = vscode.languages.getDiagnostics(uri);
      return found.length > 0 ? found : undefined;
    });
    // The fault is the `{` left open on line 3 (line 2 counted from 0), where the CLI also reports it.
    const syntaxErrors = diagnostics.filter((d) => d.source === 'flowtracer' && d.code === 'yaml-syntax');
    assert.deepEqual(
      syntaxErrors.map((d) => [d.severity, d.range.start.line, d.range.start.character]),
      [[vscode.DiagnosticSeverity.Error, 2, 5]],
    );
    assert.match(syntaxErrors[0]!.message, /^unclosed flow map `\{`/);
  });

  it('starts the language client once a flow is open, and says how long activation took', async () => {
    const api = await flowTracer();
    const ready = await until('language client ready', () => api.test.activationTimes().languageClientReady);
    assert.ok(api.languageClient?.isRunning(), 'the language client runs');
    // The server is a worker thread of this extension host (client/language-client.ts), not a process it spawned.
    const children = execFileSync('ps', ['-eo', 'ppid=,args='], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.trim().split(/\s+/)[0] === String(process.pid))
      .join('\n');
    assert.doesNotMatch(children, /server[/\\]server\.js/, `no language server process among the extension host's children:\n${children}`);
    const { activated, languageClientStarted } = api.test.activationTimes();
    assert.ok(languageClientStarted !== undefined && activated <= ready && languageClientStarted <= ready, 'activate() returns without waiting for the language server');
    console.log(`      activation: activate() ${activated.toFixed(1)} ms; language client started ${languageClientStarted.toFixed(1)} ms after activation began (when a flow was open), ready ${(ready - languageClientStarted).toFixed(1)} ms later`);
  });

  it('opens the diagram panel for the active flow', async () => {
    await vscode.commands.executeCommand('flowtracer.showDiagram');
    const tab = await until('diagram tab', () =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('flowtracer.diagram')),
    );
    assert.match(tab.label, /^Diagram: broken-syntax\.flow\.yaml$/);
  });

  it('starts a new language server thread when the one running ends unexpectedly, and diagnostics go on', async () => {
    const api = await flowTracer();
    const client = api.languageClient!;
    const stopped = new Promise<void>((resolve) => {
      const listener = client.onDidChangeState((change) => {
        if (change.newState === State.Stopped || change.newState === State.Starting) {
          listener.dispose();
          resolve();
        }
      });
    });
    // `exit` without `shutdown`: the server ends its thread with code 1, as a crash would.
    await client.sendNotification('exit');
    await stopped;
    await until('language client running again', () => (client.state === State.Running ? true : undefined));
    const { uri } = await openFlow('after-restart.flow.yaml', 'flow: restarted\ncomponents:\n  A: { type: kafka\n');
    const diagnostics = await until('diagnostics from the new server', () => {
      const found = vscode.languages.getDiagnostics(uri).filter((d) => d.code === 'yaml-syntax');
      return found.length > 0 ? found : undefined;
    });
    assert.equal(diagnostics[0]!.range.start.line, 2);
  });
});
