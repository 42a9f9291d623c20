// Resolves a Kafka connection's bounded `select` (from/until/partitions) into offset ranges per partition.
import type { Admin } from 'kafkajs';
import { KAFKA_POSITION_FORMS, parseKafkaPosition, type KafkaPosition } from '../../flow/kafka-positions';
import { ConnectorError } from './connector';

/** Offsets [start, end) of one partition to read; `end` is fixed when the run starts. */
export interface PartitionRange {
  readonly partition: number;
  readonly start: bigint;
  readonly end: bigint;
}

export interface KafkaSelect {
  readonly from?: string | number;
  readonly until?: string | number;
  readonly partitions?: readonly number[];
  readonly limit?: number;
}

/**
 * `from` (default earliest) and `until` (default the end when the run starts) by flow/kafka-positions'
 * rule, the one `flowtracer validate` checks; a position it refuses is a validation error.
 */
export function selectBounds(component: string, select: KafkaSelect): { readonly from: KafkaPosition; readonly until: KafkaPosition } {
  const bound = (name: 'from' | 'until', value: string | number): KafkaPosition => {
    const position = parseKafkaPosition(value);
    if (!position) throw new ConnectorError(`component ${component}: select.${name} \`${value}\` is not a position; write ${KAFKA_POSITION_FORMS}`, 'validation');
    return position;
  };
  return { from: bound('from', select.from ?? 'earliest'), until: bound('until', select.until ?? 'end') };
}

/** The ranges to read: `from` defaults to earliest, `until` to the end when the run started (exclusive). */
export async function resolveRanges(component: string, admin: Admin, topic: string, select: KafkaSelect): Promise<PartitionRange[]> {
  const { from, until } = selectBounds(component, select);
  // `high` is the last stable offset: kafkajs asks ListOffsets with isolation READ_COMMITTED (KAFKA.md, "Where a run ends").
  const watermarks = await admin.fetchTopicOffsets(topic);
  const byTime = async (ms: number) => new Map((await admin.fetchTopicOffsetsByTimestamp(topic, ms)).map((p) => [p.partition, BigInt(p.offset)]));
  const fromTimes = from.kind === 'time' ? await byTime(from.ms) : undefined;
  const untilTimes = until.kind === 'time' ? await byTime(until.ms) : undefined;
  const wanted = select.partitions ? new Set(select.partitions) : undefined;
  const ranges: PartitionRange[] = [];
  for (const mark of watermarks.sort((a, b) => a.partition - b.partition)) {
    if (wanted && !wanted.has(mark.partition)) continue;
    const low = BigInt(mark.low);
    const high = BigInt(mark.high);
    // A time past the last message resolves to -1 (or the high watermark): nothing after it.
    const atTime = (times: Map<number, bigint> | undefined) => {
      const offset = times?.get(mark.partition) ?? -1n;
      return offset < 0n ? high : offset;
    };
    const pick = (bound: KafkaPosition, times: Map<number, bigint> | undefined): bigint => {
      switch (bound.kind) {
        case 'earliest': return low;
        case 'end': return high;
        case 'offset': return bound.offset < low ? low : bound.offset > high ? high : bound.offset;
        case 'time': return atTime(times);
      }
    };
    const start = pick(from, fromTimes);
    const end = pick(until, untilTimes);
    ranges.push({ partition: mark.partition, start, end: end < start ? start : end });
  }
  if (wanted) {
    const known = new Set(watermarks.map((w) => w.partition));
    const missing = [...wanted].filter((p) => !known.has(p));
    if (missing.length > 0) throw new ConnectorError(`component ${component}: topic ${topic} has no partition ${missing.join(', ')}`, 'validation');
  }
  return ranges;
}
