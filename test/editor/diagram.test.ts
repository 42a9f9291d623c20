// The diagram in a real VS Code: Show Diagram draws the active flow, follows an edit, and a reveal moves the cursor.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DIAGRAM_VIEW_TYPE } from '../../protocol/webview-messages';
import type { TestedApi } from './support/workspace';
import { until, within } from './support/until';
import { flowTracer, openFlow, workspaceFolder } from './support/workspace';

const FLOW = `flow: diagram-test
components:
  OrderTopic:
    type: kafka
    brokers: ["localhost:9092"]
    topic: orders
  OrderQueue:
    type: mq
    url: amqp://guest:\${secret:rabbit-password}@localhost:5672
    queue: orders
  OrderService:
    type: service
    url: http://localhost:8080/orders
connections:
  - from: OrderTopic
    to: OrderQueue
  - from: OrderQueue
    to: OrderService
`;

describe('FlowTracer diagram in VS Code', () => {
  let api: TestedApi;
  let uri: vscode.Uri;
  let document: vscode.TextDocument;

  before(async () => {
    api = await flowTracer();
    ({ uri, document } = await openFlow('diagram-test.flow.yaml', FLOW));
  });

  it('Show Diagram opens a panel that draws every component and connection of the active flow', async () => {
    await vscode.commands.executeCommand('flowtracer.showDiagram');
    const rendered = await within('the first drawing', api.test.diagramProbe.waitForRender(uri, (r) => r.version === document.version));
    assert.equal(rendered.nodes, 3);
    assert.equal(rendered.edges, 2);
  });

  it('follows an edit of the document: a new connection to an undefined component is drawn', async () => {
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, document.positionAt(document.getText().length), '  - from: OrderService\n    to: AuditLog\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const version = document.version;
    const rendered = await within('the drawing after the edit', api.test.diagramProbe.waitForRender(uri, (r) => r.version === version));
    assert.equal(rendered.nodes, 4);
    assert.equal(rendered.edges, 3);
    assert.equal(rendered.reusedLayout, false);
  });

  it('a reveal from the diagram puts the editor cursor on the component name', async () => {
    await api.test.diagramProbe.postToHost(uri, { type: 'reveal', component: 'OrderService' });
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'an editor is active');
    assert.equal(editor.document.uri.toString(), uri.toString());
    const line = document.getText().split('\n').indexOf('  OrderService:');
    assert.deepEqual(
      [editor.selection.start.line, editor.selection.start.character, editor.selection.end.character],
      [line, 2, 2 + 'OrderService'.length],
    );
  });

  it('drops and logs a message that is not one the webview declares, and uses none of it', async () => {
    const text = document.getText();
    // A well-formed edit request with a mistyped id: before the check it was applied all the same.
    await api.test.diagramProbe.postToHost(uri, { type: 'edit', id: 'x', request: { kind: 'addComponent', name: 'Injected', componentType: 'kafka' } });
    await api.test.diagramProbe.postToHost(uri, { type: 'openExternal', url: 'https://example.com' });
    await api.test.diagramProbe.postToHost(uri, { type: 'edit', id: 9, request: { kind: 'writeFile', path: '/etc/passwd' } });
    assert.equal(document.getText(), text, 'no edit was applied');
    const log = api.test.logText();
    for (const reason of ['edit.id is not a whole number', 'unknown message type "openExternal"', 'edit.request.kind is not a known edit']) {
      assert.ok(log.includes(`[warn] dropped a message from the diagram of ${uri.fsPath}: ${reason}`), `logged: ${reason}`);
    }
  });

  it('restores a diagram after a reload only for a document inside the workspace', async () => {
    const outside = ['file:///etc/passwd', `${workspaceFolder().toString()}/../outside.flow.yaml`];
    for (const named of outside) {
      const panel = vscode.window.createWebviewPanel(DIAGRAM_VIEW_TYPE, 'restored', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {});
      let disposed = false;
      panel.onDidDispose(() => (disposed = true));
      await api.test.diagramSerializer.deserializeWebviewPanel(panel, { uri: named, zoom: 1, panX: 0, panY: 0 });
      assert.equal(disposed, true, `the panel for ${named} is closed`);
      assert.equal(vscode.workspace.textDocuments.some((d) => d.uri.path.endsWith('/passwd') || d.uri.path.endsWith('/outside.flow.yaml')), false, `${named} was not opened`);
    }
    const log = api.test.logText();
    assert.ok(log.includes('[warn] did not restore a diagram: /etc/passwd is not inside a workspace folder'));
    assert.ok(log.includes(`[warn] did not restore a diagram: ${vscode.Uri.joinPath(workspaceFolder(), '..', 'outside.flow.yaml').fsPath} is not inside a workspace folder`));

    // A flow of the workspace is restored as before.
    const panel = vscode.window.createWebviewPanel(DIAGRAM_VIEW_TYPE, 'restored', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {});
    try {
      await api.test.diagramSerializer.deserializeWebviewPanel(panel, { uri: uri.toString(), zoom: 1, panX: 0, panY: 0 });
      await until('the restored panel titled', () => (panel.title === 'Diagram: diagram-test.flow.yaml' ? true : undefined));
    } finally {
      panel.dispose();
    }
  });
});
