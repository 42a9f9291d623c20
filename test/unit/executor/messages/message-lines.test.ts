// The .ndjson message lines (send reads them, export writes them) and the browse search.
import * as assert from 'node:assert/strict';
import { messageLines, messageRecord, parseMessageLine, payloadText } from '../../../../executor/messages/message-lines';
import { matchesSearch } from '../../../../executor/messages/message-search';

async function* of(...lines: string[]): AsyncIterable<string> {
  yield* lines;
}

describe('message lines', () => {
  it('reads a string value as its bytes, any other JSON as its JSON text, valueBase64 as binary', () => {
    assert.deepEqual(parseMessageLine('{"key":"k","headers":{"h":"v"},"value":"  text\\n"}', 1), { key: 'k', headers: { h: 'v' }, value: Buffer.from('  text\n') });
    assert.deepEqual(parseMessageLine('{"value":{"a":[1,2]}}', 1), { key: null, headers: {}, value: Buffer.from('{"a":[1,2]}') });
    assert.deepEqual(parseMessageLine('{"key":null,"valueBase64":"AP8="}', 1).value, Buffer.from([0, 255]));
  });

  it('names the line and the problem of a message it cannot read', () => {
    assert.throws(() => parseMessageLine('{"key":1,"value":"x"}', 4), /^MessageLineError: line 4: `key` must be a string or null$/);
    assert.throws(() => parseMessageLine('{"headers":{"n":1},"value":"x"}', 2), /line 2: `headers` must be an object of strings/);
    assert.throws(() => parseMessageLine('{"key":"k"}', 3), /line 3: a message needs `value`/);
    assert.throws(() => parseMessageLine('[1]', 5), /line 5: a message is an object/);
    assert.throws(() => parseMessageLine('{"value":"a","valueBase64":"AA=="}', 6), /not both/);
  });

  it('skips blank lines and numbers the others as in the file', async () => {
    const read: number[] = [];
    for await (const { line } of messageLines(of('{"value":1}', '', '  ', '{"value":2}'))) read.push(line);
    assert.deepEqual(read, [1, 4]);
  });

  it('writes UTF-8 payloads as their exact text and the others as base64, so a line reads back to the same bytes', () => {
    for (const value of [Buffer.from('{ "spaced" : true }'), Buffer.from([0xc3, 0x28, 0x00]), Buffer.from('çödé ✓'), Buffer.alloc(0), Buffer.from([0xef, 0xbb, 0xbf, 0x41])]) {
      const record = messageRecord({ key: 'k', headers: { h: 'ü' }, value, position: 't/0@1' }, false);
      assert.deepEqual(parseMessageLine(JSON.stringify(record), 1), { key: 'k', headers: { h: 'ü' }, value });
    }
    assert.deepEqual(messageRecord({ key: null, headers: {}, value: Buffer.from('x'), position: 'q#1', routingKey: 'rk', exchange: '', redelivered: true }, true), { key: null, headers: {}, value: 'x', source: 'q#1', exchange: '', routingKey: 'rk', redelivered: true });
  });

  it('shows JSON pretty-printed, text as it is, other bytes as hex', () => {
    assert.equal(payloadText(Buffer.from('{"a":1}')), '{\n  "a": 1\n}');
    assert.equal(payloadText(Buffer.from('plain')), 'plain');
    assert.equal(payloadText(Buffer.from([0, 255])), 'hex 00ff');
  });
});

describe('message search', () => {
  const message = { key: 'order-7', headers: { tenant: 'Acme', 'content-type': 'application/json' }, value: Buffer.from('{"status":"FAILED"}') };

  it('finds text in the payload, the key or a header, ignoring case', () => {
    assert.equal(matchesSearch(message, { text: 'failed' }), true);
    assert.equal(matchesSearch(message, { text: 'ORDER-7' }), true);
    assert.equal(matchesSearch(message, { text: 'acme' }), true);
    assert.equal(matchesSearch(message, { text: 'shipped' }), false);
  });

  it('matches a key exactly and a header by name or name=value', () => {
    assert.equal(matchesSearch(message, { key: 'order-7' }), true);
    assert.equal(matchesSearch(message, { key: 'order' }), false);
    assert.equal(matchesSearch(message, { header: 'tenant' }), true);
    assert.equal(matchesSearch(message, { header: 'tenant=Acme' }), true);
    assert.equal(matchesSearch(message, { header: 'tenant=acme' }), false);
    assert.equal(matchesSearch(message, { header: 'region' }), false);
  });
});
