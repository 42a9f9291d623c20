// The thinnest slice in a real VS Code: a broken flow gets its diagnostic; the diagram panel opens.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('FlowTracer in VS Code', () => {
  it('reports a YAML syntax error of a .flow.yaml at its line', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    assert.ok(folder, 'a workspace folder is open');
    const uri = vscode.Uri.joinPath(folder, 'broken-syntax.flow.yaml');
    await vscode.workspace.fs.writeFile(uri, Buffer.from('flow: broken\ncomponents:\n  A: { type: kafka\n  B:\n'));
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    assert.equal(document.languageId, 'flow-yaml');
    const diagnostics = await until('diagnostics', () => {
      const found = vscode.languages.getDiagnostics(uri);
      return found.length > 0 ? found : undefined;
    });
    assert.ok(diagnostics.some((d) => d.source === 'flowtracer' && d.severity === vscode.DiagnosticSeverity.Error));
    assert.equal(diagnostics[0]?.range.start.line, 3);
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
});
