import * as assert from 'node:assert/strict';
import { Redactor } from '../../../executor/redaction';

describe('Redactor', () => {
  it('masks the password of any URL', () => {
    const r = new Redactor();
    assert.equal(r.redact('connecting to amqp://guest:hunter2@127.0.0.1:5672/vhost'), 'connecting to amqp://guest:***@127.0.0.1:5672/vhost');
    assert.equal(r.redact('postgres://app:p%40ss@db/orders failed'), 'postgres://app:***@db/orders failed');
    assert.equal(r.redact('http://localhost:8080/orders'), 'http://localhost:8080/orders');
  });

  it('masks every registered secret, also URL-encoded and JSON-escaped, longest first', () => {
    const r = new Redactor();
    r.addSecret('abc');
    r.addSecret('abc/"def');
    assert.equal(r.redact('x abc/"def y abc z'), 'x *** y *** z');
    assert.equal(r.redact(JSON.stringify({ token: 'abc/"def' })), '{"token":"***"}');
    assert.equal(r.redact(`q=${encodeURIComponent('abc/"def')}`), 'q=***');
  });

  it('redacts deep inside events and journal records', () => {
    const r = new Redactor();
    r.addSecret('tok-123');
    assert.deepEqual(r.redactDeep({ type: 'log', message: 'Bearer tok-123', list: ['tok-123'], n: 1 }), { type: 'log', message: 'Bearer ***', list: ['***'], n: 1 });
  });
});
