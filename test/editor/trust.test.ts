// An untrusted workspace refuses to run: nothing starts and no run is written.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { flowTracer, mqCopyFlow, writeFlow } from './support/run-fixtures';

describe('FlowTracer in an untrusted workspace', () => {
  it('refuses Run Flow, writes no run and logs why', async () => {
    const api = await flowTracer();
    // The harness can open the folder untrusted (FLOWTRACER_EDITOR_WORKSPACE_TRUST=untrusted); in the trusted
    // mode the same gate is exercised through the extension's isTrusted seam.
    const realUntrusted = process.env['FLOWTRACER_EDITOR_WORKSPACE_TRUST'] === 'untrusted';
    if (realUntrusted) assert.equal(vscode.workspace.isTrusted, false);
    else api.test.setTrusted(false);
    try {
      const uri = await writeFlow('editor-untrusted.flow.yaml', mqCopyFlow('editor-untrusted', 'ft-untrusted-in', 'ft-untrusted-out', { untilEmpty: true }));
      await api.test.runsTree.refresh();
      const before = api.test.runsTree.history.length;
      const outcome = await vscode.commands.executeCommand('flowtracer.runFlow', uri, 'warn');
      assert.equal(outcome, undefined);
      await api.test.runsTree.refresh();
      assert.equal(api.test.runsTree.history.length, before);
      assert.ok(api.test.logText().includes('[warn] refused: the workspace is not trusted, so FlowTracer runs nothing here'));
    } finally {
      api.test.setTrusted(undefined);
    }
  });
});
