import * as assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { MASK, Redactor } from '../../../executor/redaction';
import { maskUrlPasswords } from '../../../flow/secret-mask';
import { urlPasswords } from '../../../flow/url-password';

describe('Redactor', () => {
  it('masks the password of any URL', () => {
    const r = new Redactor();
    assert.equal(r.redact('connecting to amqp://guest:hunter2@127.0.0.1:5672/vhost'), `connecting to amqp://guest:${MASK}@127.0.0.1:5672/vhost`);
    assert.equal(r.redact('postgres://app:p%40ss@db/orders failed'), `postgres://app:${MASK}@db/orders failed`);
    assert.equal(r.redact('http://localhost:8080/orders'), 'http://localhost:8080/orders');
    assert.equal(r.redact('mail bob@example.com about amqp://guest@h:5672'), 'mail bob@example.com about amqp://guest@h:5672');
  });

  it('reads a password with an @ in it as the URL parser does: up to the last @ of the authority', () => {
    assert.equal(maskUrlPasswords('failed: postgres://u:p@ss@127.0.0.1:5432/test refused'), `failed: postgres://u:${MASK}@127.0.0.1:5432/test refused`);
    assert.equal(new URL('postgres://u:p@ss@127.0.0.1:5432/test').password, 'p%40ss', 'the WHATWG parser agrees on where the password ends');
    assert.equal(maskUrlPasswords('{"url":"amqp://u:pw@h","who":"a@b"}'), `{"url":"amqp://u:${MASK}@h","who":"a@b"}`);
    assert.equal(maskUrlPasswords('amqp://${env:USER}@h and amqp://guest:${secret:rabbit}@h'), `amqp://\${env:USER}@h and amqp://guest:${MASK}@h`);
  });

  it('masks a registered secret before URL passwords, so that none of `p@ss` shows', () => {
    const r = new Redactor(['p@ss']);
    assert.equal(r.redact('PostgreSQL at postgres://u:p@ss@h/db is unreachable'), `PostgreSQL at postgres://u:${MASK}@h/db is unreachable`);
  });

  it('masks every registered secret, also URL-encoded and JSON-escaped, longest first', () => {
    const r = new Redactor();
    r.addSecret('abcd');
    r.addSecret('abcd/"def');
    assert.equal(r.redact('x abcd/"def y abcd z'), `x ${MASK} y ${MASK} z`);
    assert.equal(r.redact(JSON.stringify({ token: 'abcd/"def' })), `{"token":"${MASK}"}`);
    assert.equal(r.redact(`q=${encodeURIComponent('abcd/"def')}`), `q=${MASK}`);
  });

  it('masks a secret of fewer than 4 characters only where it stands whole: a whole value or a URL password', () => {
    const r = new Redactor(['q', 'ab']);
    assert.equal(r.redact('q'), MASK);
    assert.equal(r.redact('ab'), MASK);
    assert.equal(r.redact('parked a quick message'), 'parked a quick message');
    assert.equal(r.redact('amqp://guest:q@h'), `amqp://guest:${MASK}@h`);
    assert.deepEqual(r.redactDeep({ headers: { 'x-tenant': 'q' }, note: 'queue q-1' }), { headers: { 'x-tenant': MASK }, note: 'queue q-1' });
  });

  it('redacts deep inside events and journal records', () => {
    const r = new Redactor();
    r.addSecret('tok-123');
    assert.deepEqual(r.redactDeep({ type: 'log', message: 'Bearer tok-123', list: ['tok-123'], n: 1 }), { type: 'log', message: `Bearer ${MASK}`, list: [MASK], n: 1 });
  });

  it('masks in time linear in the text: a 1 MB key of letters before an @ and a 1 MB URL are redacted in well under a second', () => {
    const r = new Redactor(['hunter2', 'p@ss', 'q']);
    const key = `${'a'.repeat(1024 * 1024)}@`;
    const url = `amqp://${'u'.repeat(512 * 1024)}:${'p'.repeat(512 * 1024)}@host/`;
    const schemes = 'a://'.repeat(256 * 1024);
    const started = performance.now();
    assert.equal(r.redact(key), key);
    assert.equal(r.redact(url), `amqp://${'u'.repeat(512 * 1024)}:${MASK}@host/`);
    assert.equal(r.redact(schemes), schemes);
    assert.equal(r.redact(`${'${'.repeat(100_000)}x`), `${'${'.repeat(100_000)}x`);
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 1000, `redacting 4 MB took ${elapsed.toFixed(0)} ms`);
  });

  it('finds each password span once', () => {
    assert.deepEqual(urlPasswords('a amqp://u:pw@h/x b http://v:w@k'), [{ start: 11, end: 13 }, { start: 29, end: 30 }]);
  });
});
