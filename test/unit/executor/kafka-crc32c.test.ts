// The record-batch CRC the executor bundle gives kafkajs: the same checksum as kafkajs's own, and really the one in the bundle.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import crc32c from '../../../executor/connectors/kafka-crc32c';

// kafkajs's own implementation (its package ships no types for its sources).
const kafkajsCrc32c = require('kafkajs/src/protocol/recordBatch/crc32C/crc32C.js') as (buffer: Buffer) => number;

const repo = join(__dirname, '..', '..', '..');

describe('kafka record-batch CRC-32C', () => {
  it('is the CRC-32C (Castagnoli) check value of "123456789"', () => {
    assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
    assert.equal(crc32c(Buffer.alloc(0)), 0);
  });

  it("gives kafkajs's own result for any buffer, also a view into a larger one (unsigned)", () => {
    const sizes = [1, 3, 15, 16, 17, 255, 1024, 4097, 65_536, 300_001];
    for (const size of sizes) {
      const whole = randomBytes(size + 7);
      for (const buffer of [whole.subarray(0, size), whole.subarray(7)]) {
        const ours = crc32c(buffer);
        assert.equal(ours, kafkajsCrc32c(buffer), `${buffer.length} bytes at offset ${buffer.byteOffset}`);
        assert.ok(ours >= 0 && ours <= 0xffffffff);
      }
    }
  });

  it("replaces kafkajs's byte-at-a-time crc32C in the executor bundle (esbuild.mjs)", () => {
    const { sources } = JSON.parse(readFileSync(join(repo, 'dist', 'executor', 'cli.js.map'), 'utf8')) as { sources: string[] };
    assert.ok(sources.some((s) => s.endsWith('executor/connectors/kafka-crc32c.ts')), 'kafka-crc32c.ts is in the bundle');
    assert.ok(sources.some((s) => s.endsWith('kafkajs/src/protocol/recordBatch/crc32C/index.js')), "kafkajs's CRC entry is in the bundle");
    assert.deepEqual(sources.filter((s) => s.endsWith('recordBatch/crc32C/crc32C.js')), [], "kafkajs's own crc32C.js is not");
  });
});
