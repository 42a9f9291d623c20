import * as assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { compactCompletionList } from '../../../server/handlers/compact-completions';
import { getFlowLanguageService } from '../../../server/language-service';

const text = 'flow: f\ncomponents:\n  A:\n    type: mq\n    url: amqp://localhost\n    queue: a\n  B:\n    type: mq\n    url: amqp://localhost\n    queue: b\n  C:\n    type: kafka\n    brokers: [localhost:9092]\n    topic: c\nconnections:\n  - from: A\n    to: \n';

describe('compactCompletionList', () => {
  const service = getFlowLanguageService({ fs: { exists: () => true } });
  const document = TextDocument.create('file:///c.flow.yaml', 'flow-yaml', 1, text);
  const list = service.doComplete(document, { line: 16, character: 8 });

  it('sends the shared replace range once, and each item only the text that differs from its label', () => {
    assert.ok(list.items.length >= 2);
    const compact = compactCompletionList(list, true);
    const range = (list.items[0]!.textEdit as { range: unknown }).range;
    assert.deepEqual(compact.itemDefaults, { editRange: range });
    assert.ok(compact.items.every((item) => item.textEdit === undefined));
    // What a client inserts (textEditText ?? insertText ?? label over the default range) is what each full item said.
    assert.deepEqual(
      compact.items.map((item) => item.textEditText ?? item.insertText ?? item.label),
      list.items.map((item) => (item.textEdit as { newText: string }).newText),
    );
    assert.ok(JSON.stringify(compact).length < JSON.stringify(list).length);
  });

  it('leaves the list alone for a client without item defaults, or when the ranges differ', () => {
    assert.equal(compactCompletionList(list, false), list);
    const mixed = { ...list, items: [list.items[0]!, { ...list.items[1]!, textEdit: { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, newText: 'x' } }] };
    assert.equal(compactCompletionList(mixed, true), mixed);
  });
});
