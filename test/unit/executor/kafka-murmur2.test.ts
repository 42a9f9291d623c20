// The key hash the executor bundle gives kafkajs's default partitioner: kafkajs's own (Java's client's), and really the one in the bundle.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import murmur2 from '../../../executor/connectors/kafka-murmur2';

// kafkajs's own (its package ships no types for its sources).
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2.js') as (key: unknown) => number;

const repo = join(__dirname, '..', '..', '..');

describe('kafka key hash (murmur2)', () => {
  it("gives kafkajs's hash for keys of every length and byte, texts (UTF-8) and buffers", () => {
    for (let length = 0; length <= 70; length++) {
      for (let i = 0; i < 20; i++) {
        const key = randomBytes(length);
        assert.equal(murmur2(key), kafkajsMurmur2(key), `bytes ${key.toString('hex')}`);
      }
    }
    for (const key of ['', 'a', 'order-42', 'clé-ü-日本', '😀', 'x'.repeat(1000), 42, 'null']) assert.equal(murmur2(key), kafkajsMurmur2(key), `key ${String(key)}`);
  });

  it("gives Java's client's hash of known keys (Utils.murmur2)", () => {
    // Kafka's UtilsTest.testMurmur2.
    const cases: [string, number][] = [['21', -973932308], ['foobar', -790332482], ['a-little-bit-long-string', -985981536], ['a-little-bit-longer-string', -1486304829], ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971], ['abc', 479470107]];
    for (const [key, hash] of cases) assert.equal(murmur2(Buffer.from(key)), hash, key);
  });

  it("replaces kafkajs's murmur2 in the executor bundle (esbuild.mjs)", () => {
    const { sources } = JSON.parse(readFileSync(join(repo, 'dist', 'executor', 'cli.js.map'), 'utf8')) as { sources: string[] };
    assert.ok(sources.some((s) => s.endsWith('executor/connectors/kafka-murmur2.ts')), 'kafka-murmur2.ts is in the bundle');
    assert.ok(sources.some((s) => s.endsWith('kafkajs/src/producer/partitioners/default/index.js')), "kafkajs's default partitioner is in the bundle");
    assert.deepEqual(sources.filter((s) => s.endsWith('partitioners/default/murmur2.js')), [], "kafkajs's own is not");
  });
});
