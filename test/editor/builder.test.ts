// The visual builder in a real VS Code: a diagram edit lands in the open document, the language server accepts it, Undo reverts it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TestedApi } from './support/workspace';
import type { EditRequest } from '../../protocol/webview-messages';
import { within } from './support/until';
import { flowTracer, openFlow } from './support/workspace';

const FLOW = `# Built from the diagram
flow: builder-test
components:
  OrderTopic:
    type: kafka   # the source
    brokers: ["localhost:9092"]
    topic: orders
  OrderQueue:
    type: mq
    url: amqp://localhost:5672
    queue: orders
connections:
  - from: OrderTopic
    to: OrderQueue
`;

/** Resolves when the language server's error messages for `uri` are exactly `expected` (sorted). */
function errorsBecome(uri: vscode.Uri, expected: readonly string[]): Promise<void> {
  const current = () => vscode.languages.getDiagnostics(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error).map((d) => d.message).sort();
  const matches = () => JSON.stringify(current()) === JSON.stringify([...expected].sort());
  if (matches()) return Promise.resolve();
  return within(`errors ${JSON.stringify(expected)} (now ${JSON.stringify(current())})`, new Promise<void>((resolve) => {
    const subscription = vscode.languages.onDidChangeDiagnostics(() => {
      if (!matches()) return;
      subscription.dispose();
      resolve();
    });
  }));
}

describe('FlowTracer visual builder in VS Code', () => {
  let api: TestedApi;
  let uri: vscode.Uri;
  let document: vscode.TextDocument;

  async function request(edit: EditRequest): Promise<void> {
    const version = document.version;
    await api.test.diagramProbe.postToHost(uri, { type: 'edit', id: 1, request: edit });
    assert.ok(document.version > version, 'the document changed');
  }

  async function undoTo(text: string): Promise<void> {
    await vscode.window.showTextDocument(document);
    while (document.getText() !== text && document.isDirty) await vscode.commands.executeCommand('undo');
    assert.equal(document.getText(), text);
  }

  before(async () => {
    api = await flowTracer();
    ({ uri, document } = await openFlow('builder-test.flow.yaml', FLOW));
    await vscode.commands.executeCommand('flowtracer.showDiagram', uri);
    await within('the first drawing', api.test.diagramProbe.waitForRender(uri, (r) => r.version === document.version));
    await errorsBecome(uri, []);
  });

  it('adds a component from the palette: the document gets its lines, the server flags only the placeholders, Undo restores it', async () => {
    await request({ kind: 'addComponent', name: 'OrderDB', componentType: 'database' });
    assert.equal(document.getText(), FLOW.replace('connections:', '  OrderDB:\n    type: database\n    url: ""\nconnections:'));
    assert.equal(document.isDirty, true);
    const drawn = await within('the diagram of the edit', api.test.diagramProbe.waitForRender(uri, (r) => r.version === document.version));
    assert.equal(drawn.nodes, 3);
    await errorsBecome(uri, ['`url` must not be empty']);
    await undoTo(FLOW);
    await errorsBecome(uri, []);
  });

  it('connects and renames from the diagram: references follow, the server accepts it, Undo restores byte for byte', async () => {
    await request({ kind: 'addComponent', name: 'OrderService', componentType: 'service' });
    await request({ kind: 'setFields', name: 'OrderService', fields: { url: 'http://localhost:8080/orders', timeout: '5s' } });
    await request({ kind: 'addConnection', from: 'OrderQueue', to: 'OrderService' });
    await request({ kind: 'renameComponent', from: 'OrderQueue', to: 'Orders' });
    assert.equal(document.getText(), `# Built from the diagram
flow: builder-test
components:
  OrderTopic:
    type: kafka   # the source
    brokers: ["localhost:9092"]
    topic: orders
  Orders:
    type: mq
    url: amqp://localhost:5672
    queue: orders
  OrderService:
    type: service
    url: http://localhost:8080/orders
    timeout: 5s
connections:
  - from: OrderTopic
    to: Orders
  - from: Orders
    to: OrderService
`);
    const drawn = await within('the diagram of the edits', api.test.diagramProbe.waitForRender(uri, (r) => r.version === document.version));
    assert.deepEqual([drawn.nodes, drawn.edges], [3, 2]);
    await errorsBecome(uri, []);
    await undoTo(FLOW);
    await errorsBecome(uri, []);
  });

  it('a refused request leaves the document as it was', async () => {
    const version = document.version;
    await api.test.diagramProbe.postToHost(uri, { type: 'edit', id: 2, request: { kind: 'addComponent', name: 'OrderTopic', componentType: 'kafka' } });
    assert.equal(document.version, version);
    assert.equal(document.getText(), FLOW);
  });

  it('New Flow from Diagram opens an untitled flow with its diagram, ready for the palette', async () => {
    const created = await vscode.commands.executeCommand<vscode.TextDocument>('flowtracer.newFlowFromCanvas');
    assert.equal(created.isUntitled, true);
    assert.equal(created.languageId, 'flow-yaml');
    assert.equal(created.getText(), 'flow: new-flow\ncomponents: {}\n');
    await within('the empty drawing', api.test.diagramProbe.waitForRender(created.uri, (r) => r.version === created.version && r.nodes === 0));
    await api.test.diagramProbe.postToHost(created.uri, { type: 'edit', id: 3, request: { kind: 'addComponent', name: 'Orders', componentType: 'kafka' } });
    assert.equal(created.getText(), 'flow: new-flow\ncomponents:\n  Orders:\n    type: kafka\n    brokers: []\n    topic: ""\n');
    await within('the new component drawn', api.test.diagramProbe.waitForRender(created.uri, (r) => r.nodes === 1));
  });

  it('Export Resolved Flow opens the flow with defaults and inferred kinds in an untitled editor', async () => {
    const exported = await vscode.commands.executeCommand<vscode.TextDocument>('flowtracer.exportResolvedFlow', uri, 'json');
    assert.equal(exported.isUntitled, true);
    const flow = JSON.parse(exported.getText()) as { connections: Array<{ kind: string }>; components: Record<string, Record<string, unknown>> };
    assert.equal(flow.connections[0]!.kind, 'kafka-to-mq');
    assert.equal(flow.components.OrderQueue!.prefetch, 1000);
  });
});
