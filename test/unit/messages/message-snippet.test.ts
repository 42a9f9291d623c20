// Send Messages… from a selection: a JSON array, one (pretty-printed) object, or .ndjson lines become the lines sent.
import * as assert from 'node:assert/strict';
import { parse } from 'yaml';
import { snippetLines } from '../../../client/messages/message-snippet';

describe('a selection sent as messages', () => {
  it('sends each item of a JSON array as one line', () => {
    assert.equal(snippetLines(' [{"key":"a","value":1}, {"key":"b","value":{"n":2}}] '), '{"key":"a","value":1}\n{"key":"b","value":{"n":2}}');
  });

  it('sends one pretty-printed object as one line', () => {
    assert.equal(snippetLines('{\n  "key": "a",\n  "headers": { "h": "v" },\n  "value": "x"\n}\n'), '{"key":"a","headers":{"h":"v"},"value":"x"}');
  });

  it('keeps .ndjson lines as they are', () => {
    assert.equal(snippetLines('{"key":"a","value":1}\n{"key":"b","value":2}\n'), '{"key":"a","value":1}\n{"key":"b","value":2}');
    assert.equal(snippetLines('not json'), 'not json');
  });

  it('reads a YAML list of messages, or one YAML message, when it is given a YAML reader', () => {
    const list = '- key: a\n  headers: { h: v }\n  value: { n: 1 }\n- key: b\n  value: plain text\n';
    assert.equal(snippetLines(list, parse), '{"key":"a","headers":{"h":"v"},"value":{"n":1}}\n{"key":"b","value":"plain text"}');
    assert.equal(snippetLines('key: a\nvalue: 3\n', parse), '{"key":"a","value":3}');
    // Text that is no YAML message stays as lines (the executor names the line), and without a reader YAML is lines too.
    assert.equal(snippetLines('not json', parse), 'not json');
    assert.equal(snippetLines('- 1\n- 2', parse), '- 1\n- 2');
    assert.equal(snippetLines('key: a\nvalue: 3', undefined), 'key: a\nvalue: 3');
  });
});
