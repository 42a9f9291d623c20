// CommittedPositions: the source positions a connection committed, kept per stream as a committed range with its gaps.

/** A position in an ordered stream (a Kafka partition, an AMQP channel, a query's rows): its offsets grow in read order. */
export interface StreamOffset {
  readonly stream: string;
  readonly offset: number;
}

/** Reads one form of position; undefined when the position is not of that form. */
export type PositionForm = (position: string) => StreamOffset | undefined;

/** Offsets past 2^53 lose digits as numbers: such positions are kept as strings. */
const SAFE_DIGITS = 15;

function ordered(stream: string, digits: string): StreamOffset | undefined {
  return digits.length <= SAFE_DIGITS ? { stream, offset: Number(digits) } : undefined;
}

/** `topic/partition@offset` (executor/connectors/kafka-reader.ts): offsets grow per partition. */
export const kafkaPosition: PositionForm = (position) => {
  const match = /^(.*\/\d+)@(\d+)$/.exec(position);
  return match ? ordered(match[1]!, match[2]!) : undefined;
};

/** `channel:deliveryTag` (executor/connectors/mq-reader.ts): tags grow per channel and mean nothing on another one. */
export const amqpPosition: PositionForm = (position) => {
  const match = /^([0-9a-f]+):(\d+)$/.exec(position);
  return match ? ordered(match[1]!, match[2]!) : undefined;
};

/** `row N` of a query, `item N` of an API's items: read in order from 0. */
export const ordinalPosition: PositionForm = (position) => {
  const match = /^(row|item) (\d+)$/.exec(position);
  return match ? ordered(match[1]!, match[2]!) : undefined;
};

const FORMS: Readonly<Record<string, PositionForm>> = { kafka: kafkaPosition, mq: amqpPosition, database: ordinalPosition, api: ordinalPosition };

/** The form of the positions a source component type reads; undefined for a type whose positions have no order. */
export function positionFormOf(sourceType: string | undefined): PositionForm | undefined {
  return sourceType === undefined ? undefined : FORMS[sourceType];
}

/**
 * One stream's commits: every offset from the lowest committed to the highest, except the gaps
 * (offsets the journal shows read and never committed). Offsets in that range the journal never
 * names were never handed out (a transaction marker, a compacted or aborted record), or another
 * process read them and the source's own commit went past them: nobody asks for them again.
 */
class StreamCommits {
  private low = Infinity;
  private high = -Infinity;
  /** Read (sent or parked) and not committed: before `low`, past `high` or, between them, a gap. */
  private readonly open = new Set<number>();

  read(offset: number): void {
    if (offset < this.low || offset > this.high) this.open.add(offset);
  }

  commit(offset: number): void {
    this.open.delete(offset);
    if (offset < this.low) this.low = offset;
    if (offset > this.high) this.high = offset;
  }

  has(offset: number): boolean {
    return offset >= this.low && offset <= this.high && !this.open.has(offset);
  }

  get gaps(): number {
    let n = 0;
    for (const offset of this.open) if (offset >= this.low && offset <= this.high) n++;
    return n;
  }
}

/**
 * The positions a connection committed, as its journal says, in memory that grows with the
 * streams and the gaps, not with the messages: a source commits in read order, so each stream's
 * commits are one range and the few positions whose commit the source refused. Positions of no
 * known order (keys, reply ids) are kept as they are.
 *
 * Fed with every `in-flight` and `parked` record (`read`) and every `committed` one (`add`), in
 * journal order.
 */
export class CommittedPositions {
  private readonly streams = new Map<string, StreamCommits>();
  private readonly unordered = new Set<string>();

  constructor(private readonly form: PositionForm | undefined) {}

  /** The journal shows the position read (sent to the target, or parked) before its commit. */
  read(position: string): void {
    const at = this.form?.(position);
    if (at) this.stream(at.stream).read(at.offset);
  }

  /** The journal shows the position committed. */
  add(position: string): void {
    const at = this.form?.(position);
    if (at) this.stream(at.stream).commit(at.offset);
    else this.unordered.add(position);
  }

  has(position: string): boolean {
    const at = this.form?.(position);
    return at ? (this.streams.get(at.stream)?.has(at.offset) ?? false) : this.unordered.has(position);
  }

  /** What is held: streams, gaps in their committed ranges, positions kept whole. */
  get held(): { readonly streams: number; readonly gaps: number; readonly unordered: number } {
    let gaps = 0;
    for (const s of this.streams.values()) gaps += s.gaps;
    return { streams: this.streams.size, gaps, unordered: this.unordered.size };
  }

  private stream(name: string): StreamCommits {
    let s = this.streams.get(name);
    if (!s) this.streams.set(name, (s = new StreamCommits()));
    return s;
  }
}
