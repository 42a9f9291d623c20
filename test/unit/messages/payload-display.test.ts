// How the Messages panel shows payloads and positions: JSON pretty-printed, text as is, binary as a hex dump.
import * as assert from 'node:assert/strict';
import { hexDump, payloadDisplay, positionText } from '../../../webview/messages/payload-display';

describe('the Messages panel\'s payload display', () => {
  it('pretty-prints a JSON object and keeps other text as it is', () => {
    assert.deepEqual(payloadDisplay({ value: '{"n":1,"tags":["a"]}' }), { kind: 'json', text: '{\n  "n": 1,\n  "tags": [\n    "a"\n  ]\n}', size: 20 });
    assert.deepEqual(payloadDisplay({ value: 'héllo' }), { kind: 'text', text: 'héllo', size: 6 });
    assert.deepEqual(payloadDisplay({ value: '42' }), { kind: 'text', text: '42', size: 2 });
  });

  it('shows binary bytes as a hex dump with their printable characters', () => {
    assert.deepEqual(payloadDisplay({ valueBase64: Buffer.from([0x00, 0x41, 0xff]).toString('base64') }), { kind: 'hex', text: '00000000  00 41 ff                                         .A.', size: 3 });
    assert.equal(hexDump(Uint8Array.from({ length: 17 }, (_, i) => 0x61 + i)).split('\n')[1], '00000010  71                                               q');
  });

  it('says where a Kafka record and a RabbitMQ message sit', () => {
    assert.equal(positionText({ key: null, headers: {}, source: 't/0@5', partition: 0, offset: '5' }), 'partition 0 · offset 5');
    assert.equal(positionText({ key: null, headers: {}, source: 'q#1', exchange: '', routingKey: 'orders' }), 'routing key orders');
    assert.equal(positionText({ key: null, headers: {}, source: 'q#1', exchange: 'dlx', routingKey: '' }), 'exchange dlx · routing key (none)');
  });
});
