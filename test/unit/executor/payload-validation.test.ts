import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PayloadValidator, SchemaFileError } from '../../../executor/payload-validation';

describe('PayloadValidator', () => {
  let dir: string;
  const validator = (schema: unknown): PayloadValidator => {
    writeFileSync(join(dir, 'order.schema.json'), JSON.stringify(schema));
    return PayloadValidator.fromFile(join(dir, 'orders.flow.yaml'), 'order.schema.json');
  };
  const check = (v: PayloadValidator, payload: unknown) => v.check(Buffer.from(JSON.stringify(payload)));
  const order = { type: 'object', required: ['orderId'], properties: { orderId: { type: 'integer' } } };

  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ft-schema-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('compiles draft-07 (or no $schema), 2019-09 and 2020-12 schemas', () => {
    for (const $schema of [undefined, 'http://json-schema.org/draft-07/schema#', 'https://json-schema.org/draft/2019-09/schema', 'https://json-schema.org/draft/2020-12/schema']) {
      const v = validator({ ...($schema ? { $schema } : {}), ...order });
      assert.deepEqual(check(v, { orderId: 1 }), { valid: true }, $schema);
      assert.deepEqual(check(v, { orderId: 'x' }), { valid: false, problem: '/orderId must be integer' }, $schema);
    }
  });

  it('refuses a draft it cannot check, naming the schema file and the drafts it can', () => {
    assert.throws(() => validator({ $schema: 'http://json-schema.org/draft-04/schema#', ...order }), (error: Error) =>
      error instanceof SchemaFileError && error.message === 'schema order.schema.json declares $schema http://json-schema.org/draft-04/schema#: the supported drafts are draft-07, 2019-09 and 2020-12');
  });

  it('checks standard formats instead of ignoring them', () => {
    const v = validator({ type: 'object', properties: { at: { type: 'string', format: 'date-time' }, mail: { type: 'string', format: 'email' }, id: { type: 'string', format: 'uuid' } } });
    assert.deepEqual(check(v, { at: '2026-11-29T03:00:00Z', mail: 'a@example.com', id: '8d3c6f0e-1c2b-4a5d-9e7f-0a1b2c3d4e5f' }), { valid: true });
    assert.deepEqual(check(v, { at: 'yesterday', mail: 'nobody', id: '42' }), { valid: false, problem: '/at must match format "date-time"; /mail must match format "email"; /id must match format "uuid"' });
  });

  it('names a payload that is not JSON', () => {
    assert.deepEqual(validator(order).check(Buffer.from('not json')), { valid: false, problem: 'the payload is not JSON' });
  });
});
