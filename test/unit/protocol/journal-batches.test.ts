import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchRecords, derivedTraceId, expandRecord, expandRuns, toRuns } from '../../../protocol/journal-batches';
import { fileRecords, parseJournal, parseJournalFile, readJournalRecords } from '../../../protocol/journal-files';
import type { JournalRecord } from '../../../protocol/journal-records';
import { inDoubtWindow } from '../../../executor/run-inspection';
import { Journal } from '../../../executor/journal-writer';
import { MASK, Redactor } from '../../../executor/redaction';

const AT = '2026-12-02T10:00:00.000Z';
const C = 'Orders -> Intake';
const SEED = '4b5e2ded80de20f4';
type Of<T extends JournalRecord['t']> = Extract<JournalRecord, { t: T }>;

const inFlight = (source: string, key: string | null, traceId = derivedTraceId(SEED, source)): Of<'in-flight'> => ({ t: 'in-flight', connection: C, traceId, key, source, at: AT });
const delivered = (source: string, key: string | null, target: string, extra: Partial<Of<'delivered'>> = {}): Of<'delivered'> => ({ t: 'delivered', connection: C, traceId: derivedTraceId(SEED, source), key, source, target, at: AT, ...extra });
const committed = (source: string): Of<'committed'> => ({ t: 'committed', connection: C, source, at: AT });

/** Records as the writer stores them (one flush), then read back as a reader reads a journal. */
const roundTrip = (records: readonly JournalRecord[]): { stored: string[]; read: JournalRecord[] } => {
  const stored = batchRecords(records).map((r) => JSON.stringify(r));
  return { stored, read: [...parseJournal(`${stored.join('\n')}\n`).records] };
};

describe('journal batch records (protocol/journal-batches.ts)', () => {
  it('stores one flush\'s in-flight, delivered and committed records of a connection as one batch each, and reads them back record for record', () => {
    const records = [
      inFlight('orders/0@41', 'k1'), inFlight('orders/0@42', 'k7'), inFlight('orders/1@0', null),
      delivered('orders/0@39', 'k3', '(default)/intake#12'), delivered('orders/0@40', 'k4', '(default)/intake#13', { inDoubt: true }),
      committed('orders/0@37'), committed('orders/0@38'),
    ];
    const { stored, read } = roundTrip(records);
    assert.deepEqual(stored.map((l) => (JSON.parse(l) as JournalRecord).t), ['in-flight-batch', 'delivered-batch', 'committed-batch']);
    assert.deepEqual(JSON.parse(stored[0]!), { t: 'in-flight-batch', connection: C, sources: [['orders/0@', 41, 2], ['orders/1@', 0, 1]], keys: ['k1', 'k7', null], traceSeed: SEED, at: AT });
    assert.deepEqual(JSON.parse(stored[1]!), { t: 'delivered-batch', connection: C, sources: [['orders/0@', 39, 2]], keys: ['k3', 'k4'], traceSeed: SEED, targets: [['(default)/intake#', 12, 2]], inDoubt: [1], at: AT });
    assert.deepEqual(JSON.parse(stored[2]!), { t: 'committed-batch', connection: C, sources: [['orders/0@', 37, 2]], at: AT });
    assert.deepEqual(read, [records[0], records[1], records[2], records[3], records[4], records[5], records[6]]);
  });

  it('stores a trace id the message came with (not derived from the seed) by its index, and no keys when no message has one', () => {
    const incoming = '0af7651916cd43dd8448eb211c80319c';
    // One with the seed's first half but not the position's hash (a reply's trace, say) is no derived one either.
    const lookalike = `${SEED}0123456789abcdef`;
    const records = [inFlight('c1:1', null), inFlight('c1:2', null, incoming), inFlight('c1:3', null), inFlight('c1:4', null, lookalike)];
    const { stored, read } = roundTrip(records);
    assert.deepEqual(JSON.parse(stored[0]!), { t: 'in-flight-batch', connection: C, sources: [['c1:', 1, 4]], traceSeed: SEED, traceIds: { 1: incoming, 3: lookalike }, at: AT });
    assert.deepEqual(read, records);
  });

  it('keeps the journal order of two records of one message: a second one closes the open batches', () => {
    // A commit refused (a rebalance) and the position sent again, in one flush.
    const records = [inFlight('orders/0@5', 'a'), committed('orders/0@4'), inFlight('orders/0@6', 'b'), committed('orders/0@5'), inFlight('orders/0@5', 'a')];
    const { stored, read } = roundTrip(records);
    assert.deepEqual(stored.map((l) => (JSON.parse(l) as JournalRecord).t), ['in-flight-batch', 'committed', 'committed', 'in-flight']);
    assert.deepEqual(read.map((r) => [r.t, 'source' in r ? r.source : '']), [
      ['in-flight', 'orders/0@5'], ['in-flight', 'orders/0@6'], ['committed', 'orders/0@4'], ['committed', 'orders/0@5'], ['in-flight', 'orders/0@5'],
    ]);
    // The window reads the same from the batches as from the records one by one.
    assert.deepEqual(inDoubtWindow(read), inDoubtWindow(records));
  });

  it('batches each connection of a flush apart: the same position in another connection is another message and closes nothing', () => {
    const other = 'Orders -> Audit';
    const of = <T extends JournalRecord>(record: T, connection: string): T => ({ ...record, connection });
    const records = [inFlight('orders/0@5', 'a'), of(inFlight('orders/0@5', 'a'), other), inFlight('orders/0@6', 'b'), of(committed('orders/0@4'), other), of(inFlight('orders/0@6', 'b'), other)];
    const { stored, read } = roundTrip(records);
    assert.deepEqual(stored.map((l) => { const r = JSON.parse(l) as { t: string; connection: string }; return `${r.t} ${r.connection}`; }), [
      `in-flight-batch ${C}`, `in-flight-batch ${other}`, `committed ${other}`,
    ]);
    assert.deepEqual(read, [records[0], records[2], records[1], records[4], records[3]]);
  });

  it('moves no record past another kind of record, and leaves a delivered record with its payload as it is', () => {
    const log: Of<'log'> = { t: 'log', level: 'warn', message: 'm', at: AT };
    const withPayload = delivered('orders/0@3', 'k', 'q#1', { payload: 'AAE=' });
    const records = [inFlight('orders/0@1', 'a'), log, inFlight('orders/0@2', 'b'), withPayload, delivered('orders/0@4', 'k', 'q#2')];
    const { stored, read } = roundTrip(records);
    assert.deepEqual(stored.map((l) => (JSON.parse(l) as JournalRecord).t), ['in-flight', 'log', 'in-flight', 'delivered', 'delivered']);
    assert.deepEqual(read, records);
  });

  it('writes positions as runs of consecutive numbers after one prefix, exactly as they were (leading zeros, no number, long numbers)', () => {
    const positions = ['t/0@7', 't/0@8', 't/0@9', 't/0@10', 't/1@3', 'dry-run', 'dry-run', 'row 008', 'row 009', 'row 010', 'key "x"', 'p@12345678901234567890', 'p@12345678901234567891'];
    const runs = toRuns(positions);
    assert.deepEqual(runs, [['t/0@', 7, 4], ['t/1@', 3, 1], ['dry-run', null, 2], ['row 00', 8, 2], ['row 0', 10, 1], ['key "x"', null, 1], ['p@12345', 678901234567890, 2]]);
    assert.deepEqual(expandRuns(runs), positions);
  });

  it('cuts every position where the regular expression of a canonical trailing number does, over 20,000 random ones', () => {
    // The definition toRuns reads char by char: the longest trailing text of a safe integer without leading zeros.
    const reference = (positions: readonly string[]): [string, number | null, number][] => {
      const runs: [string, number | null, number][] = [];
      for (const position of positions) {
        const last = runs[runs.length - 1];
        const match = /(0|[1-9]\d{0,14})$/.exec(position);
        const prefix = match ? position.slice(0, match.index) : position;
        const n = match ? Number(match[1]) : null;
        if (last && last[1] === null && n === null && last[0] === position) last[2]++;
        else if (last && last[1] !== null && n !== null && last[0] === prefix && last[1] + last[2] === n) last[2]++;
        else runs.push(n === null ? [position, null, 1] : [prefix, n, 1]);
      }
      return runs;
    };
    let seed = 20261202;
    const next = (n: number): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
    const pieces = ['', 't/', 'c1:', '0', '00', '7', '9', '10', '099', '@', 'x', '123456789012345', '9007199254740991', ' '];
    const positions = Array.from({ length: 20_000 }, () => Array.from({ length: 1 + next(4) }, () => pieces[next(pieces.length)]).join(''));
    // Runs need neighbours: every tenth position is the previous one's successor, when it has a number.
    for (let i = 1; i < positions.length; i += 10) {
      const [prefix, n] = reference([positions[i - 1]!])[0]!;
      if (n !== null && n < Number.MAX_SAFE_INTEGER) positions[i] = `${prefix}${n + 1}`;
    }
    assert.deepEqual(toRuns(positions), reference(positions));
    assert.deepEqual(expandRuns(toRuns(positions)), positions);
  });

  it('reads journals written one record per message as before', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ft-batches-'));
    try {
      const old = [
        '{"connection":"A -> B","traceId":"5c1d51f1c1e6a2e0b7e1f0e7a5e0c3d1","key":"k1","source":"s/0@0","t":"in-flight","at":"1"}',
        '{"connection":"A -> B","traceId":"5c1d51f1c1e6a2e0b7e1f0e7a5e0c3d1","key":"k1","source":"s/0@0","t":"delivered","target":"q#1","at":"2"}',
        '{"t":"committed","connection":"A -> B","source":"s/0@0","at":"3"}',
      ];
      writeFileSync(join(dir, 'journal.ndjson'), `${old.join('\n')}\n`);
      const expected = old.map((l) => JSON.parse(l) as JournalRecord);
      assert.deepEqual((await parseJournalFile(join(dir, 'journal.ndjson'))).records, expected);
      assert.deepEqual(await readJournalRecords(dir, ['in-flight', 'delivered', 'committed']), expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ignores a batch record cut short by a crash (the last line), and reads every whole one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ft-batches-'));
    try {
      const first = JSON.stringify(batchRecords([inFlight('s/0@0', 'a'), inFlight('s/0@1', 'b')])[0]);
      const torn = JSON.stringify(batchRecords([committed('s/0@0'), committed('s/0@1')])[0]).slice(0, 40);
      const file = join(dir, 'journal.ndjson');
      writeFileSync(file, `${first}\n${torn}`);
      const whole = [inFlight('s/0@0', 'a'), inFlight('s/0@1', 'b')];
      assert.deepEqual(parseJournal(readFileSync(file, 'utf8')), { records: whole, tornTail: true });
      assert.deepEqual(await parseJournalFile(file), { records: whole, tornTail: true });
      const read: JournalRecord[] = [];
      for await (const r of fileRecords(file, ['in-flight', 'committed'])) read.push(r);
      assert.deepEqual(read, whole);
      // Both messages stay in doubt: their commit never became durable.
      assert.deepEqual(inDoubtWindow(read).map((d) => d.source), ['s/0@0', 's/0@1']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives a batch whole to a reader that asks for its own type (copying a run), and its records to one that asks for theirs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ft-batches-'));
    try {
      const batch = batchRecords([committed('s/0@0'), committed('s/0@1')])[0]!;
      writeFileSync(join(dir, 'journal.ndjson'), `${JSON.stringify(batch)}\n`);
      assert.deepEqual(await readJournalRecords(dir, ['committed-batch']), [batch]);
      assert.deepEqual(await readJournalRecords(dir, ['committed']), [committed('s/0@0'), committed('s/0@1')]);
      assert.deepEqual(await readJournalRecords(dir, ['in-flight']), []);
      assert.deepEqual(expandRecord(batch), [committed('s/0@0'), committed('s/0@1')]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is what the Journal writes: one line per batch, keys masked as in a record of their own, under 64 bytes a message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ft-batches-'));
    try {
      const redactor = new Redactor(['secret-key']);
      const journal = await Journal.open(dir, redactor);
      const sources = Array.from({ length: 100 }, (_, i) => `orders/2@${1000 + i}`);
      sources.forEach((s, i) => journal.append({ t: 'in-flight', connection: C, traceId: derivedTraceId(SEED, s), key: i === 3 ? 'secret-key' : `k${i}`, source: s }));
      await journal.flush();
      sources.forEach((s, i) => journal.append({ t: 'delivered', connection: C, traceId: derivedTraceId(SEED, s), key: i === 3 ? 'secret-key' : `k${i}`, source: s, target: `(default)/intake#${i + 1}` }));
      await journal.flush();
      sources.forEach((s) => journal.append({ t: 'committed', connection: C, source: s }));
      await journal.close();
      const text = readFileSync(join(dir, 'journal.ndjson'), 'utf8');
      assert.equal(text.split('\n').length, 4);
      assert.ok(text.length / sources.length <= 64, `${text.length / sources.length} bytes a message`);
      const read = parseJournal(text).records;
      assert.equal(read.length, 300);
      assert.deepEqual(read.filter((r) => r.t === 'delivered').map((r) => (r as Of<'delivered'>).key).slice(2, 5), ['k2', MASK, 'k4']);
      assert.deepEqual(read.filter((r) => r.t === 'in-flight').map((r) => (r as Of<'in-flight'>).traceId), sources.map((s) => derivedTraceId(SEED, s)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('derives 32 hex digits from the seed and the position, the same each time and distinct per position', () => {
    const a = derivedTraceId(SEED, 'orders/0@1');
    assert.match(a, /^4b5e2ded80de20f4[0-9a-f]{16}$/);
    assert.equal(derivedTraceId(SEED, 'orders/0@1'), a);
    const ids = new Set(Array.from({ length: 100_000 }, (_, i) => derivedTraceId(SEED, `orders/${i % 4}@${i}`)));
    assert.equal(ids.size, 100_000);
  });

  it('derives the trace ids every earlier journal stored a seed for: the same text from the same seed and position', () => {
    // Batches keep only the seed: a change of derivation would give an old journal's messages other trace ids.
    assert.deepEqual(
      [['0123456789abcdef', 'orders/0@41'], ['0123456789abcdef', '(default)/q#12'], ['fedcba9876543210', 'c1:7'], ['0000000000000000', '']].map(([seed, source]) => derivedTraceId(seed!, source!)),
      ['0123456789abcdef4aae94e5ab0632a1', '0123456789abcdefde2da07b95efe5f2', 'fedcba9876543210a2dd443f69451b43', '0000000000000000488bdcb81aee8d83'],
    );
  });
});
