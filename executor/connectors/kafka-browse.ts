// A read-only look at a Kafka topic: a throwaway consumer group that commits nothing and is deleted at the end.
import { randomBytes } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import type { Browse, BrowsedMessage, BrowseOptions } from './connector';
import { KafkaReader, type KafkaMessage } from './kafka-reader';
import { resolveRanges, type PartitionRange } from './kafka-select';

/**
 * The ranges a browse reads. `latest` is the last `limit` messages of each partition (a browse is
 * bounded: it shows what is there, it does not wait for more); the rest is a run's `select.from`.
 */
async function browseRanges(component: string, admin: Admin, topic: string, options: BrowseOptions): Promise<PartitionRange[]> {
  const latest = options.from === 'latest' || options.from === 'end';
  const ranges = await resolveRanges(component, admin, topic, { from: latest ? 'earliest' : (options.from ?? 'earliest'), until: 'end', ...(options.partitions ? { partitions: options.partitions } : {}) });
  if (!latest) return ranges;
  const last = BigInt(options.limit);
  return ranges.map((r) => ({ ...r, start: r.end - r.start > last ? r.end - last : r.start }));
}

/**
 * kafkajs has no `assign()`: every consumer is a group member. The browse's group is its own
 * (`flowtracer-browse-<random>`), never commits an offset, and is deleted once the browse ends, so
 * no other group's offsets move and nothing is left behind.
 */
export async function openKafkaBrowse(component: string, kafka: Kafka, admin: (cleanup: boolean) => Promise<Admin>, topic: string, options: BrowseOptions): Promise<Browse> {
  const groupId = `flowtracer-browse-${randomBytes(6).toString('hex')}`;
  const ranges = await (async () => {
    const a = await admin(false);
    try {
      return await browseRanges(component, a, topic, options);
    } finally {
      await a.disconnect().catch(() => undefined);
    }
  })();
  // From `latest`, the ranges hold the last `limit` of each partition: all of them are read.
  const latest = options.from === 'latest' || options.from === 'end';
  const reader = await KafkaReader.open(component, kafka, groupId, topic, ranges, latest ? Infinity : options.limit);
  return {
    async *messages(signal: AbortSignal): AsyncIterable<BrowsedMessage> {
      for await (const m of reader.messages(signal)) {
        const k = m as KafkaMessage;
        yield {
          key: k.key, value: k.value, headers: k.headers, position: k.position, partition: k.partition, offset: k.offset.toString(),
          ...(k.timestamp !== undefined ? { timestamp: new Date(Number(k.timestamp)).toISOString() } : {}),
        };
      }
    },
    async close(): Promise<string | undefined> {
      await reader.close();
      const a = await admin(true).catch(() => undefined);
      // An empty group that was never joined (nothing to read) does not exist: nothing to delete.
      await a?.deleteGroups([groupId]).catch(() => undefined);
      await a?.disconnect().catch(() => undefined);
      return undefined;
    },
  };
}
