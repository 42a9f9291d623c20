// kafkajs's grouping of a send's messages by partition, in linear time: the same groups, in the same order.
import type { PartitionMetadata } from 'kafkajs';

interface Grouping<M> {
  readonly topic: string;
  readonly partitionMetadata: readonly PartitionMetadata[];
  readonly messages: readonly M[];
  readonly partitioner: (args: { topic: string; partitionMetadata: readonly PartitionMetadata[]; message: M }) => number;
}

/**
 * esbuild.mjs puts this in place of kafkajs's `producer/groupMessagesPerPartition.js` in the executor
 * bundle. kafkajs's copies a partition's array for every message added to it (`[...current, message]`),
 * quadratic in a send's size: some 2 µs a record in sends of a few hundred. Same result: each
 * partition's messages in send order, none when the topic has no partitions known.
 */
function groupMessagesPerPartition<M>({ topic, partitionMetadata, messages, partitioner }: Grouping<M>): Record<string, M[]> {
  const groups: Record<string, M[]> = {};
  if (partitionMetadata.length === 0) return groups;
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    (groups[partition] ??= []).push(message);
  }
  return groups;
}

export = groupMessagesPerPartition;
