// The diagram in a real VS Code: Show Diagram draws the active flow, follows an edit, and a reveal moves the cursor.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FlowTracerApi } from '../../client/extension';
import { within } from './support/until';
import { flowTracer, openFlow } from './support/workspace';

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
  let api: FlowTracerApi;
  let uri: vscode.Uri;
  let document: vscode.TextDocument;

  before(async () => {
    api = await flowTracer();
    ({ uri, document } = await openFlow('diagram-test.flow.yaml', FLOW));
  });

  it('Show Diagram opens a panel that draws every component and connection of the active flow', async () => {
    await vscode.commands.executeCommand('flowtracer.showDiagram');
    const rendered = await within('the first drawing', api.diagrams.waitForRenderForTest(uri, (r) => r.version === document.version));
    assert.equal(rendered.nodes, 3);
    assert.equal(rendered.edges, 2);
  });

  it('follows an edit of the document: a new connection to an undefined component is drawn', async () => {
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, document.positionAt(document.getText().length), '  - from: OrderService\n    to: AuditLog\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const version = document.version;
    const rendered = await within('the drawing after the edit', api.diagrams.waitForRenderForTest(uri, (r) => r.version === version));
    assert.equal(rendered.nodes, 4);
    assert.equal(rendered.edges, 3);
    assert.equal(rendered.reusedLayout, false);
  });

  it('a reveal from the diagram puts the editor cursor on the component name', async () => {
    await api.diagrams.postToHostForTest(uri, { type: 'reveal', component: 'OrderService' });
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'an editor is active');
    assert.equal(editor.document.uri.toString(), uri.toString());
    const line = document.getText().split('\n').indexOf('  OrderService:');
    assert.deepEqual(
      [editor.selection.start.line, editor.selection.start.character, editor.selection.end.character],
      [line, 2, 2 + 'OrderService'.length],
    );
  });
});
