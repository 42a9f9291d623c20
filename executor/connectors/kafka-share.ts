// A Kafka source shared by several executor processes: its consumer group and the offsets each partition ends at.
import type { Admin } from 'kafkajs';
import { whileCoordinatorLoads } from './kafka-errors';
import type { PartitionRange } from './kafka-select';

/** What every process of a shared run reads: fixed when the connection starts, recorded in the run's summary. */
export interface KafkaShare {
  readonly kind: 'kafka-group';
  readonly groupId: string;
  readonly topic: string;
  /**
   * Offsets [start, end) per partition, as decimal strings; a partition outside the select has
   * start = end. No message count: transaction markers, aborted and compacted records take
   * offsets and are no messages, so what a run reads is counted as it is fetched.
   */
  readonly partitions: readonly { readonly partition: number; readonly start: string; readonly end: string }[];
}

export function isKafkaShare(value: unknown): value is KafkaShare {
  const v = value as Partial<KafkaShare> | undefined;
  return v?.kind === 'kafka-group' && typeof v.groupId === 'string' && typeof v.topic === 'string' && Array.isArray(v.partitions);
}

export function shareRanges(share: KafkaShare): PartitionRange[] {
  return share.partitions.map((p) => ({ partition: p.partition, start: BigInt(p.start), end: BigInt(p.end) }));
}

/**
 * A `limit` becomes fixed ends: each process of a group must know when the run is done, so the
 * limit is spread over the partitions (evenly, a partition with fewer messages giving its rest to
 * the others) instead of counting the first messages one process happens to read. It counts
 * offsets: where some are transaction markers, aborted or compacted records, fewer messages.
 */
export function applyLimit(ranges: readonly PartitionRange[], limit: number | undefined): PartitionRange[] {
  if (limit === undefined || !Number.isFinite(limit)) return [...ranges];
  const take = new Map<number, bigint>(ranges.map((r) => [r.partition, 0n]));
  let left = BigInt(Math.max(0, Math.floor(limit)));
  let open = ranges.filter((r) => r.end > r.start);
  while (left > 0n && open.length > 0) {
    const share = left / BigInt(open.length) > 0n ? left / BigInt(open.length) : 1n;
    for (const r of open) {
      if (left === 0n) break;
      const room = r.end - r.start - take.get(r.partition)!;
      const n = room < share ? room : share;
      take.set(r.partition, take.get(r.partition)! + n);
      left -= n;
    }
    open = open.filter((r) => take.get(r.partition)! < r.end - r.start);
  }
  return ranges.map((r) => ({ partition: r.partition, start: r.start, end: r.start + take.get(r.partition)! }));
}

/**
 * Creates the share of a connection. Resuming, each partition starts where the previous group's
 * committed offsets got to. The group itself needs no setup:
 * a member seeks a partition the group has no offset for to its start (kafkajs's admin.setOffsets
 * joins the group to do it, seconds per run).
 */
export async function createShare(admin: Admin, groupId: string, topic: string, ranges: readonly PartitionRange[], previous: KafkaShare | undefined): Promise<KafkaShare> {
  let fixed = [...ranges];
  if (previous) {
    const committed = await committedOffsets(admin, previous.groupId, previous.topic);
    fixed = shareRanges(previous).map((r) => {
      const at = committed.get(r.partition);
      return { ...r, start: at !== undefined && at > r.start ? (at > r.end ? r.end : at) : r.start };
    });
  }
  return { kind: 'kafka-group', groupId, topic, partitions: fixed.map((r) => ({ partition: r.partition, start: r.start.toString(), end: r.end.toString() })) };
}

/** The group's committed offset per partition (partitions without one are left out). */
export async function committedOffsets(admin: Admin, groupId: string, topic: string): Promise<Map<number, bigint>> {
  const [entry] = await whileCoordinatorLoads(() => admin.fetchOffsets({ groupId, topics: [topic] }));
  const out = new Map<number, bigint>();
  for (const p of entry?.partitions ?? []) if (BigInt(p.offset) >= 0n) out.set(p.partition, BigInt(p.offset));
  return out;
}
