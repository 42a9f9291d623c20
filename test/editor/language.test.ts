// The language server's features through VS Code's own provider commands, on a real example flow.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { until } from './support/until';
import { openFlow } from './support/workspace';

const FLOW = `flow: language-features
components:
  OrderTopic:
    type: kafka
    brokers: [localhost:9092]
    topic: orders
  OrderQueue:
    type: mq
    url: amqp://localhost:5672
    queue: orders
connections:
  - from: OrderTopic
    to: OrderQueu
`;

describe('FlowTracer language features in VS Code', () => {
  let document: vscode.TextDocument;

  before(async () => {
    ({ document } = await openFlow('language-features.flow.yaml', FLOW));
  });

  it('reports the unknown component at its place with a did-you-mean', async () => {
    const diagnostics = await until('diagnostics', () => {
      const found = vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === 'flowtracer');
      return found.length > 0 ? found : undefined;
    });
    const unknown = diagnostics.find((d) => d.code === 'unknown-component');
    assert.ok(unknown, JSON.stringify(diagnostics.map((d) => [d.code, d.message])));
    assert.equal(unknown.range.start.line, 12);
    assert.match(unknown.message, /OrderQueue/);
  });

  it('offers the did-you-mean fix as a quick fix', async () => {
    const range = new vscode.Range(12, 8, 12, 17);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, range);
    const fix = actions.find((a) => a.edit?.get(document.uri).some((e) => e.newText === 'OrderQueue'));
    assert.ok(fix, `code actions: ${JSON.stringify(actions.map((a) => a.title))}`);
  });

  it('completes the keys of a kafka component', async () => {
    const position = new vscode.Position(5, 4);
    const list = await until('completion', async () => {
      const result = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, position);
      return result.items.length > 0 ? result : undefined;
    });
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(labels.includes('clientId'), labels.join(', '));
  });

  it('renames a component and every reference follows', async () => {
    const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>(
      'vscode.executeDocumentRenameProvider', document.uri, new vscode.Position(2, 4), 'Orders');
    const edits = edit.get(document.uri);
    assert.deepEqual(edits.map((e) => [e.range.start.line, e.newText]).sort(), [[11, 'Orders'], [2, 'Orders']].sort());
  });

  it('lists components grouped by type and connections as A → B', async () => {
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', document.uri);
    const names = JSON.stringify(symbols.map((s) => [s.name, s.children.map((c) => c.name)]));
    assert.match(names, /OrderTopic/);
    assert.match(names, /OrderTopic → OrderQueu/);
  });
});
