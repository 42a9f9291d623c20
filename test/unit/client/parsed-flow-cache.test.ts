// The client parses a flow once per document version (or file text), whoever asks: diagram, CodeLens, Flows view, commands.
import { strict as assert } from 'node:assert';
import { ParsedFlowCache } from '../../../client/parsed-flow-cache';
import { parseFlow } from '../../../flow/parse';

const document = (version: number, text: string) => ({ uri: 'file:///w/orders.flow.yaml', version, getText: () => text });
const FLOW = 'flow: orders\ncomponents:\n  A: { type: mq, url: amqp://h, queue: q }\nconnections: []\n';

describe('parsed flow cache', () => {
  it('parses a document once per version, however many readers ask', () => {
    const cache = new ParsedFlowCache(parseFlow);
    const first = cache.ofDocument(document(1, FLOW));
    for (let i = 0; i < 5; i++) assert.equal(cache.ofDocument(document(1, FLOW)), first);
    assert.equal(cache.parses, 1);
    const edited = cache.ofDocument(document(2, `${FLOW}# edited\n`));
    assert.notEqual(edited, first);
    assert.equal(cache.parses, 2);
    assert.deepEqual(edited.model.components.map((c) => c.name), ['A']);
  });

  it('parses a saved file again only when its text changed, apart from the open document', () => {
    const cache = new ParsedFlowCache(parseFlow);
    const uri = 'file:///w/orders.flow.yaml';
    const saved = cache.ofText(uri, FLOW);
    assert.equal(cache.ofText(uri, FLOW), saved);
    cache.ofDocument(document(7, `${FLOW}  # unsaved`));
    assert.equal(cache.ofText(uri, FLOW), saved, 'the open document does not push the saved file out');
    assert.equal(cache.parses, 2);
    cache.ofText(uri, FLOW.replace('orders', 'orders-v2'));
    assert.equal(cache.parses, 3);
    cache.forget(uri);
    cache.ofDocument(document(7, `${FLOW}  # unsaved`));
    assert.equal(cache.parses, 4, 'a closed document is parsed afresh when it comes back');
  });
});
