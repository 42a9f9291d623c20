// The journal's batch records: many messages' in-flight, delivered or committed records in one line, and their one expansion back to per-message records.
import type { JournalRecord, JournalRecordType } from './journal-records';

/**
 * Positions `prefix + first`, `prefix + (first + 1)` … `count` of them (a Kafka partition's offsets
 * `orders/0@41`, an AMQP channel's delivery tags `c1:7`, a publisher's sequence `(default)/q#12`); with
 * `first` null, the text `prefix` itself, `count` times.
 */
export type PositionRun = readonly [prefix: string, first: number | null, count: number];

/** Per-message fields of a batch of in-flight or delivered records, by message order where they differ from the default. */
interface BatchMessages {
  readonly connection: string;
  readonly sources: readonly PositionRun[];
  /** Each message's key (null: none); absent when no message has one. */
  readonly keys?: readonly (string | null)[];
  /** The trace ids derived from it (`derivedTraceId`): absent when no message's is. */
  readonly traceSeed?: string;
  /** Trace ids not derived from `traceSeed` (a message that came with a `traceparent`), by message index. */
  readonly traceIds?: Readonly<Record<string, string>>;
}

/** A batch record as stored; readers see it only through `expandRecord` (the per-message records it stands for). */
export type BatchRecord = { readonly at: string } & (
  | ({ readonly t: 'in-flight-batch' } & BatchMessages)
  /** `inDoubt`: the indexes of the messages delivered after an attempt without an answer. */
  | ({ readonly t: 'delivered-batch'; readonly targets: readonly PositionRun[]; readonly inDoubt?: readonly number[] } & BatchMessages)
  | { readonly t: 'committed-batch'; readonly connection: string; readonly sources: readonly PositionRun[] }
);

export type BatchRecordType = BatchRecord['t'];
export const BATCH_RECORD_TYPES = ['in-flight-batch', 'delivered-batch', 'committed-batch'] as const satisfies readonly BatchRecordType[];

/** The per-message record type each batch type stands for. */
const MEMBER_TYPE = { 'in-flight-batch': 'in-flight', 'delivered-batch': 'delivered', 'committed-batch': 'committed' } as const;
const BATCH_OF: Readonly<Record<string, BatchRecordType>> = { 'in-flight': 'in-flight-batch', delivered: 'delivered-batch', committed: 'committed-batch' };

export function isBatchRecordType(t: string): t is BatchRecordType {
  return t in MEMBER_TYPE;
}

/** The stored record types a reader of `types` must read: those, and the batches that hold records of those. */
export function storedTypesOf(types: readonly string[]): string[] {
  const out = new Set(types);
  for (const t of types) if (BATCH_OF[t]) out.add(BATCH_OF[t]);
  return [...out];
}

type InFlight = Extract<JournalRecord, { t: 'in-flight' }>;
type Delivered = Extract<JournalRecord, { t: 'delivered' }>;
type Committed = Extract<JournalRecord, { t: 'committed' }>;

/**
 * The records a stored record stands for, in order: a batch's per-message records (each with the
 * batch's time), or the record itself. A batch whose type is in `raw` stays whole (copying a run
 * into a store). The one reading of batch records: every journal reader goes through it.
 */
export function expandRecord(record: JournalRecord, raw?: ReadonlySet<string>): readonly JournalRecord[] {
  if (!isBatchRecordType(record.t) || raw?.has(record.t)) return [record];
  const batch = record as BatchRecord;
  const { at, connection } = batch;
  const sources = expandRuns(batch.sources);
  if (batch.t === 'committed-batch') return sources.map((source): Committed => ({ t: 'committed', connection, source, at }));
  const keys = batch.keys;
  const traceId = (i: number, source: string): string => batch.traceIds?.[i] ?? derivedTraceId(batch.traceSeed ?? '', source);
  if (batch.t === 'in-flight-batch') return sources.map((source, i): InFlight => ({ t: 'in-flight', connection, traceId: traceId(i, source), key: keys?.[i] ?? null, source, at }));
  const targets = expandRuns(batch.targets);
  const doubt = new Set(batch.inDoubt ?? []);
  return sources.map((source, i): Delivered => {
    // Field by field: a spread followed by more fields is V8's slow path, once a message read.
    const record: { -readonly [K in keyof Delivered]?: Delivered[K] } = { t: 'delivered', connection, traceId: traceId(i, source), key: keys?.[i] ?? null, source, target: targets[i] ?? '' };
    if (doubt.has(i)) record.inDoubt = true;
    record.at = at;
    return record as Delivered;
  });
}

/** `expandRecord` keeping only records of `types` (read with `storedTypesOf(types)`). */
export function expandedOfTypes<T extends JournalRecordType>(record: JournalRecord, types: ReadonlySet<string>): Extract<JournalRecord, { t: T }>[] {
  return expandRecord(record, types).filter((r) => types.has(r.t)) as Extract<JournalRecord, { t: T }>[];
}

/** What the writer may put in one batch: in-flight, committed, and delivered records without a stored payload. */
export function isBatchable(record: JournalRecord): record is InFlight | Delivered | Committed {
  return record.t === 'in-flight' || record.t === 'committed' || (record.t === 'delivered' && record.payload === undefined);
}

interface Group {
  readonly t: BatchRecordType;
  readonly connection: string;
  readonly at: string;
  readonly members: (InFlight | Delivered | Committed)[];
}

/**
 * One flush's records as stored: the in-flight, delivered and committed records of a connection each
 * in one batch, at the place of the first of them; every other record stays as it is and in its
 * place. Moving a record up to its batch changes the order only of records of distinct messages of
 * the same flush (a second record of a message already in an open batch closes them all first), and
 * a flush never holds a commit of a message sent in that same flush, so every reader, folding by
 * message, reads what it read of the records one by one. A batch of one message stays a plain record.
 */
export function batchRecords(records: readonly JournalRecord[]): JournalRecord[] {
  const out: (JournalRecord | Group)[] = [];
  // By connection: its open batches, and the messages (sources) they hold. No text is built per record.
  let open = new Map<string, OpenBatches>();
  for (const r of records) {
    if (!isBatchable(r)) {
      open = new Map();
      out.push(r);
      continue;
    }
    let batches = open.get(r.connection);
    if (batches?.sources.has(r.source)) {
      open = new Map();
      batches = undefined;
    }
    if (!batches) {
      batches = { groups: {}, sources: new Set() };
      open.set(r.connection, batches);
    }
    batches.sources.add(r.source);
    const t = BATCH_OF[r.t]!;
    let group = batches.groups[t];
    if (!group) {
      group = { t, connection: r.connection, at: r.at, members: [] };
      batches.groups[t] = group;
      out.push(group);
    }
    group.members.push(r);
  }
  return out.map((g) => ('members' in g ? encodeGroup(g) : g));
}

/** A connection's open batches in a flush (one per type), and the sources of the messages in them. */
interface OpenBatches {
  readonly groups: { [T in BatchRecordType]?: Group };
  readonly sources: Set<string>;
}

function encodeGroup(group: Group): JournalRecord {
  const { members, connection, at } = group;
  if (members.length === 1) return members[0]!;
  const sources = toRuns(members.map((m) => m.source));
  if (group.t === 'committed-batch') return { t: 'committed-batch', connection, sources, at } as BatchRecord as JournalRecord;
  const messages = members as (InFlight | Delivered)[];
  const keys = messages.some((m) => m.key !== null) ? messages.map((m) => m.key) : undefined;
  // The first derived trace id gives the seed; each later one is checked against it.
  let traceSeed: string | undefined;
  const traceIds: Record<string, string> = {};
  messages.forEach((m, i) => {
    if (traceSeed === undefined ? (traceSeed = seedOf(m.traceId, m.source)) !== undefined : derivedWith(traceSeed, m.traceId, m.source)) return;
    traceIds[i] = m.traceId;
  });
  const fields = { connection, sources, ...(keys ? { keys } : {}), ...(traceSeed !== undefined ? { traceSeed } : {}), ...(Object.keys(traceIds).length > 0 ? { traceIds } : {}) };
  if (group.t === 'in-flight-batch') return { t: 'in-flight-batch', ...fields, at } as BatchRecord as JournalRecord;
  const delivered = messages as Delivered[];
  const inDoubt = delivered.flatMap((m, i) => (m.inDoubt ? [i] : []));
  return { t: 'delivered-batch', ...fields, targets: toRuns(delivered.map((m) => m.target)), ...(inDoubt.length > 0 ? { inDoubt } : {}), at } as BatchRecord as JournalRecord;
}

/**
 * Where a position's trailing number starts: the canonical text of a safe integer (no leading zeros,
 * at most 15 digits), the longest such at its end; -1 when it ends in no digit. Read char by char: it
 * runs for every position of a batch.
 */
function trailingNumberStart(position: string): number {
  const end = position.length;
  let digits = end;
  while (digits > 0 && isDigit(position.charCodeAt(digits - 1))) digits--;
  if (digits === end) return -1;
  let start = Math.max(digits, end - 15);
  while (start < end - 1 && position.charCodeAt(start) === ZERO) start++;
  return start;
}

const ZERO = 48;
const isDigit = (code: number): boolean => code >= ZERO && code <= ZERO + 9;

/** Positions as runs: consecutive numbers after the same prefix, or the same text repeated. */
export function toRuns(positions: readonly string[]): PositionRun[] {
  const runs: [string, number | null, number][] = [];
  for (const position of positions) {
    const last = runs[runs.length - 1];
    const start = trailingNumberStart(position);
    if (start < 0) {
      if (last && last[1] === null && last[0] === position) last[2]++;
      else runs.push([position, null, 1]);
      continue;
    }
    let n = 0;
    for (let i = start; i < position.length; i++) n = n * 10 + (position.charCodeAt(i) - ZERO);
    // The prefix compared in place: a text is cut only for a new run.
    if (last && last[1] !== null && last[1] + last[2] === n && last[0].length === start && position.startsWith(last[0])) last[2]++;
    else runs.push([position.slice(0, start), n, 1]);
  }
  return runs;
}

export function expandRuns(runs: readonly PositionRun[]): string[] {
  const out: string[] = [];
  for (const [prefix, first, count] of runs) for (let i = 0; i < count; i++) out.push(first === null ? prefix : `${prefix}${first + i}`);
  return out;
}

/**
 * A message's trace id when it came without one: the connection's trace seed (16 hex digits, random
 * per connection and run segment) and 16 hex digits hashed from its source position, so that a batch
 * record need not store it. Positions are unique within a segment's connection.
 */
export function derivedTraceId(seed: string, source: string): string {
  return `${seed}${positionHash(source)}`;
}

/**
 * The seed a trace id was derived with from `source`, or undefined when it was not derived: 32
 * lowercase hex digits (as W3C trace context writes them), the last 16 the position's hash. Compared
 * digit by digit, no text built: this runs for every in-flight and delivered record.
 */
function seedOf(traceId: string, source: string): string | undefined {
  if (!endsWithHashOf(traceId, source)) return undefined;
  for (let i = 0; i < 16; i++) if (!isLowerHex(traceId.charCodeAt(i))) return undefined;
  return traceId.slice(0, 16);
}

/** Whether `traceId` is the one derived from `seed` (a seed `seedOf` gave) and `source`: what `seedOf` says, without a text cut. */
function derivedWith(seed: string, traceId: string, source: string): boolean {
  return traceId.startsWith(seed) && endsWithHashOf(traceId, source);
}

/** 32 characters, the last 16 the hex digits of `source`'s position hash. */
function endsWithHashOf(traceId: string, source: string): boolean {
  if (traceId.length !== 32) return false;
  const [high, low] = positionHashParts(source);
  return isHex8(traceId, 16, high) && isHex8(traceId, 24, low);
}

const isLowerHex = (code: number): boolean => isDigit(code) || (code >= 97 && code <= 102);

/** The char codes of the lowercase hex digits, by value. */
const HEX_DIGIT = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/** Whether `text` holds the 8 lowercase hex digits of `n` at `at`. */
function isHex8(text: string, at: number, n: number): boolean {
  for (let i = 0; i < 8; i++) if (text.charCodeAt(at + i) !== HEX_DIGIT[(n >>> (28 - 4 * i)) & 0xf]) return false;
  return true;
}

/** 64 bits of a string (two 32-bit multiply-xorshift hashes, as cyrb53 mixes), as 16 hex digits. */
function positionHash(text: string): string {
  const [high, low] = positionHashParts(text);
  return hex8(high) + hex8(low);
}

function positionHashParts(text: string): [number, number] {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return [h2 >>> 0, h1 >>> 0];
}

/** Two lowercase hex digits per byte value: a trace id is derived for every message, and `toString(16).padStart` costs ten times more. */
const HEX_BYTE = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** A 32-bit unsigned number as 8 hex digits. */
function hex8(n: number): string {
  return HEX_BYTE[n >>> 24]! + HEX_BYTE[(n >>> 16) & 0xff]! + HEX_BYTE[(n >>> 8) & 0xff]! + HEX_BYTE[n & 0xff]!;
}
