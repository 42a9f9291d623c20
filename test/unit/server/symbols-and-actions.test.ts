import * as assert from 'node:assert/strict';
import { Diagnostic, DocumentSymbol, Range, SymbolKind, TextEdit, type CodeAction } from 'vscode-languageserver-types';
import { documentAt, EXAMPLE, service } from './service-fixture';

const URI = 'test://test/test.flow.yaml';
const at = (line: number, start: number, end: number): Range => Range.create(line, start, line, end);

function actions(text: string, range: Range, code: string): CodeAction[] {
  const { document } = documentAt(text);
  return service.getCodeActions(document, range, [Diagnostic.create(range, 'problem', 1, code, 'flowtracer')]);
}

const summary = (list: CodeAction[]): [string, TextEdit[]][] => list.map((action) => [action.title, action.edit?.changes?.[URI] ?? []]);

describe('document symbols', () => {
  it('groups components by type and lists connections as A → B', () => {
    const { document } = documentAt('components:\n  A: { type: kafka }\n  B: { type: mq }\n  C: { type: kafka }\nconnections:\n  - { from: A, to: B }\n');
    const symbols = service.findDocumentSymbols(document);
    assert.deepEqual(symbols, [
      DocumentSymbol.create('kafka', '2 components', SymbolKind.Namespace, Range.create(1, 2, 3, 20), Range.create(1, 2, 1, 2), [
        DocumentSymbol.create('A', 'kafka', SymbolKind.Object, Range.create(1, 2, 1, 20), at(1, 2, 3)),
        DocumentSymbol.create('C', 'kafka', SymbolKind.Object, Range.create(3, 2, 3, 20), at(3, 2, 3)),
      ]),
      DocumentSymbol.create('mq', '1 component', SymbolKind.Namespace, Range.create(2, 2, 2, 17), Range.create(2, 2, 2, 2), [
        DocumentSymbol.create('B', 'mq', SymbolKind.Object, Range.create(2, 2, 2, 17), at(2, 2, 3)),
      ]),
      DocumentSymbol.create('connections', '1', SymbolKind.Array, Range.create(5, 4, 5, 22), Range.create(5, 4, 5, 4), [
        DocumentSymbol.create('A → B', 'kafka-to-mq', SymbolKind.Event, Range.create(5, 4, 5, 22), at(5, 12, 13)),
      ]),
    ]);
  });
});

describe('code actions', () => {
  it('offers the closest component names for an unknown `to`', () => {
    const text = EXAMPLE.replace('    to: OrderQueue', '    to: OrderQeue');
    assert.deepEqual(summary(actions(text, at(19, 8, 17), 'unknown-component')), [["Change to 'OrderQueue'", [TextEdit.replace(at(19, 8, 17), 'OrderQueue')]]]);
  });

  it('prefers the suggestion the check attached in `data`', () => {
    const text = EXAMPLE.replace('    to: OrderQueue', '    to: Somewhere');
    const { document } = documentAt(text);
    const diagnostic = Diagnostic.create(at(19, 8, 17), 'unknown', 1, 'unknown-component', 'flowtracer');
    diagnostic.data = { suggestions: ['OrderDB'] };
    assert.deepEqual(summary(service.getCodeActions(document, diagnostic.range, [diagnostic])), [["Change to 'OrderDB'", [TextEdit.replace(at(19, 8, 17), 'OrderDB')]]]);
  });

  it('fixes a misspelt property or removes it (block style)', () => {
    const text = 'components:\n  T:\n    type: kafka\n    topics: orders\n    brokers: [x]\n';
    assert.deepEqual(summary(actions(text, at(3, 4, 10), 'unknown-property')), [
      ["Change to 'topic'", [TextEdit.replace(at(3, 4, 10), 'topic')]],
      ["Remove property 'topics'", [TextEdit.del(Range.create(3, 0, 4, 0))]],
    ]);
  });

  it('removes an unknown property from a flow mapping with its comma', () => {
    const text = 'components:\n  T: { type: kafka, colour: red, topic: t, brokers: [x] }\n';
    assert.deepEqual(summary(actions(text, at(1, 20, 26), 'unknown-property')), [["Remove property 'colour'", [TextEdit.del(at(1, 20, 33))]]]);
  });

  it('adds the missing required fields of a component', () => {
    const block = 'components:\n  Q:\n    type: mq\n    durable: true\n';
    assert.deepEqual(summary(actions(block, at(1, 2, 3), 'missing-property')), [
      ["Add missing 'url', 'queue'", [TextEdit.insert({ line: 4, character: 0 }, '    url: url\n    queue: queue\n')]],
    ]);
    const flow = 'components:\n  T: { type: kafka }';
    assert.deepEqual(summary(actions(flow, at(1, 2, 3), 'missing-property')), [
      ["Add missing 'brokers', 'topic'", [TextEdit.insert({ line: 1, character: 18 }, ', brokers: [brokers], topic: topic')]],
    ]);
    const connection = 'components: {}\nconnections:\n  - from: A\n';
    const diagnostic = Diagnostic.create(at(2, 4, 8), 'missing', 1, 'missing-property', 'flowtracer');
    diagnostic.data = { missing: ['to'] };
    const { document } = documentAt(connection);
    assert.deepEqual(summary(service.getCodeActions(document, diagnostic.range, [diagnostic])), [["Add missing 'to'", [TextEdit.insert({ line: 3, character: 0 }, '    to: to\n')]]]);
  });

  it('writes the inferred kind on a connection, or corrects a contradicting one', () => {
    const { document } = documentAt(EXAMPLE);
    assert.deepEqual(summary(service.getCodeActions(document, at(19, 10, 10), [])), [
      ["Write the inferred kind 'kafka-to-mq'", [TextEdit.insert({ line: 20, character: 0 }, '    kind: kafka-to-mq\n')]],
    ]);
    const text = EXAMPLE + '  - { from: OrderTopic, to: OrderDB, kind: processing }\n';
    assert.deepEqual(summary(actions(text, at(22, 43, 53), 'kind-mismatch')), [["Change kind to 'db'", [TextEdit.replace(at(22, 43, 53), 'db')]]]);
  });

  it('removes a retry field that does not apply to the strategy', () => {
    const text = 'defaults:\n  retry:\n    strategy: fixed\n    factor: 2\n';
    assert.deepEqual(summary(actions(text, at(3, 4, 10), 'retry-field-not-applicable')), [["Remove property 'factor'", [TextEdit.del(Range.create(3, 0, 4, 0))]]]);
  });

  it('suggests a component type for a misspelt one', () => {
    assert.deepEqual(summary(actions('components:\n  T:\n    type: kafak\n', at(2, 10, 15), 'enum')), [["Change to 'kafka'", [TextEdit.replace(at(2, 10, 15), 'kafka')]]]);
  });
});
