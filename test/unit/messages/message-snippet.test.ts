// Send Messages… from a selection: a JSON array, one (pretty-printed) object, or .ndjson lines become the lines sent.
import * as assert from 'node:assert/strict';
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
});
