// The grouping by partition the executor bundle gives kafkajs's producer: kafkajs's own groups, and really the one in the bundle.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import groupMessagesPerPartition from '../../../executor/connectors/kafka-partition-groups';

type Grouping = (args: { topic: string; partitionMetadata: PartitionMetadata[]; messages: unknown[]; partitioner: (args: never) => number }) => Record<string, unknown[]>;
// kafkajs's own (its package ships no types for its sources).
const kafkajsGrouping = require('kafkajs/src/producer/groupMessagesPerPartition.js') as Grouping;
const ours = groupMessagesPerPartition as unknown as Grouping;

const repo = join(__dirname, '..', '..', '..');
const partitions = (n: number): PartitionMetadata[] => Array.from({ length: n }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));

describe('kafka producer grouping by partition', () => {
  it("gives kafkajs's groups, each in send order, for keyed, placed and unkeyed messages", () => {
    for (const count of [0, 1, 7, 500]) {
      for (const partitionCount of [1, 4, 12]) {
        const messages = Array.from({ length: count }, (_, i) => (i % 3 === 0 ? { key: `key-${i % 17}`, value: `v${i}` } : i % 3 === 1 ? { key: null, value: `v${i}`, partition: i % partitionCount } : { key: `k${i}`, value: `v${i}`, partition: 0 }));
        // One partitioner per side: the default one keeps a round-robin counter for unkeyed messages.
        const group = (grouping: Grouping) => grouping({ topic: 'orders', partitionMetadata: partitions(partitionCount), messages, partitioner: Partitioners.DefaultPartitioner() as never });
        const theirs = group(kafkajsGrouping);
        assert.deepEqual(group(ours), theirs, `${count} messages on ${partitionCount} partitions`);
        assert.deepEqual(Object.keys(group(ours)), Object.keys(theirs));
      }
    }
  });

  it('groups nothing when no partition is known, as kafkajs does', () => {
    const args = { topic: 'orders', partitionMetadata: [], messages: [{ key: 'a', value: 'b' }], partitioner: (() => 0) as never };
    assert.deepEqual(ours(args), {});
    assert.deepEqual(kafkajsGrouping(args), {});
  });

  it("replaces kafkajs's grouping in the executor bundle (esbuild.mjs)", () => {
    const { sources } = JSON.parse(readFileSync(join(repo, 'dist', 'executor', 'cli.js.map'), 'utf8')) as { sources: string[] };
    assert.ok(sources.some((s) => s.endsWith('executor/connectors/kafka-partition-groups.ts')), 'kafka-partition-groups.ts is in the bundle');
    assert.ok(sources.some((s) => s.endsWith('kafkajs/src/producer/sendMessages.js')), "kafkajs's producer is in the bundle");
    assert.deepEqual(sources.filter((s) => s.endsWith('groupMessagesPerPartition.js')), [], "kafkajs's own is not");
  });
});
