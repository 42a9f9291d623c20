// The record encoder the executor bundle gives kafkajs's producer: kafkajs's own bytes, and really the one in the bundle.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import encodeRecord from '../../../executor/connectors/kafka-record';

// kafkajs's own, and its Long (its package ships no types for its sources).
const kafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (record: object) => { buffer: Buffer };
const Long = require('kafkajs/src/utils/long.js') as { fromNumber(n: number): unknown };

const repo = join(__dirname, '..', '..', '..');

const bytesOf = (encode: () => { buffer: Buffer }): Buffer | string => {
  try {
    return encode().buffer;
  } catch (error) {
    return `throws ${(error as Error).constructor.name}: ${(error as Error).message}`;
  }
};

const KEYS = [undefined, null, '', 'order-42', 'clé-日本', Buffer.alloc(0), randomBytes(16), 'k'.repeat(300)];
const VALUES = [undefined, null, '', 'v', randomBytes(1024), randomBytes(70_000), 'é'.repeat(2000), Buffer.alloc(200)];
const HEADERS = [undefined, {}, { traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` }, { a: 'x', 'clé-ü': '日本', b: randomBytes(9), '': '' }, { long: 'v'.repeat(5000) }];
// kafkajs's other cases: headers of several values, a null value (kafkajs throws), a key neither text nor bytes.
const ODD = [{ headers: { many: ['a', 'b'] } }, { headers: { none: null } }, { key: 42 }, { value: 7 }, { headers: { n: 1 } }, { headers: { empty: [] } }];

describe('kafka record encoder', () => {
  it("writes kafkajs's bytes for keys, values, headers, offsets and timestamp deltas", () => {
    for (const key of KEYS) {
      for (const value of VALUES) {
        for (const headers of HEADERS) {
          for (const [offsetDelta, timestampDelta] of [[undefined, undefined], [0, 0], [127, -1], [300, 2 ** 31 + 5], [5, Long.fromNumber(-(2 ** 40))]] as const) {
            const record = { key, value, headers, offsetDelta, timestampDelta };
            assert.deepEqual(bytesOf(() => encodeRecord(record)), bytesOf(() => kafkajsRecord(record)), JSON.stringify({ key: String(key).slice(0, 20), value: typeof value, headers: Object.keys(headers ?? {}), offsetDelta }));
          }
        }
      }
    }
  });

  it('leaves to kafkajs what it encodes otherwise or refuses, with the same result', () => {
    for (const odd of ODD) {
      const record = { key: 'k', value: 'v', headers: {}, offsetDelta: 1, timestampDelta: 2, ...odd };
      assert.deepEqual(bytesOf(() => encodeRecord(record)), bytesOf(() => kafkajsRecord(record)), JSON.stringify(odd));
    }
  });

  it("replaces kafkajs's record encoder in the executor bundle (esbuild.mjs)", () => {
    const { sources } = JSON.parse(readFileSync(join(repo, 'dist', 'executor', 'cli.js.map'), 'utf8')) as { sources: string[] };
    assert.ok(sources.some((s) => s.endsWith('executor/connectors/kafka-record.ts')), 'kafka-record.ts is in the bundle');
    assert.ok(sources.some((s) => s.endsWith('kafkajs/src/protocol/requests/produce/v3/request.js')), "kafkajs's produce request is in the bundle");
    assert.equal(sources.filter((s) => s.endsWith('recordBatch/record/v0/index.js')).length, 1, "kafkajs's own is there once: what ours leaves to it");
  });
});
