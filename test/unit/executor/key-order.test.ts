import * as assert from 'node:assert/strict';
import { setMaxListeners } from 'node:events';
import { abortReason, StopRequested, type Clock } from '../../../executor/clock';
import { runConnection, type ConnectionJob } from '../../../executor/connection-runner';
import { ConnectorError, type Delivery, type FlowMessage, type SourceMessage, type SourceReader, type TargetWriter } from '../../../executor/connectors/connector';
import type { Journal } from '../../../executor/journal-writer';
import type { NewJournalRecord } from '../../../protocol/journal-records';
import { KeyOrder } from '../../../executor/key-order';
import { PayloadValidator } from '../../../executor/payload-validation';
import { Redactor } from '../../../executor/redaction';
import { RetrySchedule } from '../../../executor/retry-schedule';
import type { RunContext } from '../../../executor/run-context';

const turnOf = () => new Promise((resolve) => setImmediate(resolve));

describe('KeyOrder (one message per key handed to the target at a time)', () => {
  const never = new AbortController().signal;

  it('says whether a turn has nobody ahead of it, for each of its keys', () => {
    const order = new KeyOrder();
    const a1 = order.enter(['a']);
    const ab = order.enter(['a', 'b']);
    const b2 = order.enter(['b']);
    const keyless = order.enter([null, undefined]);
    assert.deepEqual([a1.isNext(), ab.isNext(), b2.isNext(), keyless.isNext()], [true, false, false, true]);
    a1.leave();
    assert.deepEqual([ab.isNext(), b2.isNext()], [true, false], 'first in both its lines now; b2 still behind it on b');
    ab.leave();
    assert.equal(b2.isNext(), true);
    b2.leave();
    assert.equal(b2.isNext(), true, 'a turn that left waits for nothing');
  });

  it('lets a key\'s next message go only once the previous one left, in the order they entered; other keys do not wait', async () => {
    const order = new KeyOrder();
    const went: string[] = [];
    const a1 = order.enter(['a']);
    const a2 = order.enter(['a']);
    const b1 = order.enter(['b']);
    const a3 = order.enter(['a']);
    const waits = [a3.wait(never).then(() => went.push('a3')), a2.wait(never).then(() => went.push('a2')), b1.wait(never).then(() => went.push('b1')), a1.wait(never).then(() => went.push('a1'))];
    await turnOf();
    assert.deepEqual(went, ['b1', 'a1']);
    a1.leave();
    await turnOf();
    assert.deepEqual(went, ['b1', 'a1', 'a2']);
    a2.leave();
    a2.leave(); // twice is once
    await Promise.all(waits);
    assert.deepEqual(went, ['b1', 'a1', 'a2', 'a3']);
    for (const t of [a3, b1]) t.leave();
    assert.equal(order.size, 0, 'empty lines are dropped');
  });

  it('waits for every key a message has (the message key and the target\'s), ignores null keys, and lets a message leave from the middle', async () => {
    const order = new KeyOrder();
    const went: string[] = [];
    const first = order.enter(['m1', 'row-7']);
    const second = order.enter(['m2', 'row-7', null]);
    const third = order.enter(['m3', null]);
    const keyless = order.enter([null, undefined]);
    const fourth = order.enter(['m4', 'row-7']);
    void second.wait(never).then(() => went.push('second'));
    void third.wait(never).then(() => went.push('third'));
    void keyless.wait(never).then(() => went.push('keyless'));
    void fourth.wait(never).then(() => went.push('fourth'));
    await first.wait(never);
    await turnOf();
    assert.deepEqual(went, ['third', 'keyless']);
    // The second stops before its turn (its in-flight flush failed): the fourth is next in line for row-7.
    second.leave();
    await turnOf();
    assert.deepEqual(went, ['third', 'keyless']);
    first.leave();
    await turnOf();
    assert.deepEqual(went, ['third', 'keyless', 'fourth']);
  });

  it('rejects a wait with the abort reason, and the line moves on once the aborted message leaves', async () => {
    const order = new KeyOrder();
    const stop = new AbortController();
    const a1 = order.enter(['a']);
    const a2 = order.enter(['a']);
    const a3 = order.enter(['a']);
    const waiting = a2.wait(stop.signal);
    stop.abort(new StopRequested());
    await assert.rejects(waiting, StopRequested);
    await assert.rejects(a3.wait(stop.signal), StopRequested);
    a2.leave();
    a1.leave();
    await a3.wait(never);
  });
});

interface Item {
  readonly source: string | null;
  /** The row the target writes: what the writer orders by. */
  readonly row: string;
  readonly v: number;
}

function reader(items: readonly Item[], commits: string[]): SourceReader {
  return {
    async *messages(signal: AbortSignal) {
      for (const [i, item] of items.entries()) {
        if (signal.aborted) return;
        yield { key: item.source, value: Buffer.from(JSON.stringify({ row: item.row, v: item.v })), headers: {}, position: `src@${i}` } satisfies SourceMessage;
      }
    },
    commit: (m) => {
      commits.push(m.position);
      return Promise.resolve();
    },
    release: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}

const parse = (m: FlowMessage) => JSON.parse(m.value.toString()) as { row: string; v: number };

/** A target that takes a moment per write and fails the first attempt of the writes `failOnce` names with a lost connection. */
class FlakyTarget implements TargetWriter {
  /** `row:v` in the order the target confirmed them. */
  readonly landed: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  /** Set to order by the row as well as by the message key. */
  orderKey?: (message: FlowMessage) => string | null;
  constructor(private readonly failOnce: Set<string>) {}

  async write(message: FlowMessage): Promise<Delivery> {
    const { row, v } = parse(message);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await turnOf();
    this.inFlight--;
    if (this.failOnce.delete(`${row}:${v}`)) throw new ConnectorError('connection reset by peer', 'connection');
    this.landed.push(`${row}:${v}`);
    return { position: `${row}@${this.landed.length}` };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * A target that groups the writes waiting for it into transactions of up to four, as the database
 * writer does; the transaction holding `failing` fails once, and the next runs on a fresh connection.
 */
class GroupCommitTarget implements TargetWriter {
  readonly landed: string[] = [];
  private queue: { label: string; done: (error?: Error) => void }[] = [];
  private flushing = false;
  constructor(private failing: string | undefined) {}

  orderKey(message: FlowMessage): string | null {
    return parse(message).row;
  }

  write(message: FlowMessage): Promise<Delivery> {
    const { row, v } = parse(message);
    return new Promise<Delivery>((resolve, reject) => {
      this.queue.push({ label: `${row}:${v}`, done: (error) => (error ? reject(error) : resolve({ position: 'tx' })) });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.queue.length > 0) {
      await turnOf();
      const batch = this.queue.splice(0, 4);
      await turnOf(); // the transaction runs; writes issued meanwhile wait for the next one
      if (this.failing !== undefined && batch.some((w) => w.label === this.failing)) {
        this.failing = undefined;
        for (const w of batch) w.done(new ConnectorError('terminating connection due to administrator command', 'connection'));
      } else {
        this.landed.push(...batch.map((w) => w.label));
        for (const w of batch) w.done();
      }
    }
    this.flushing = false;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * The journal's records kept in memory; a flush takes a turn of the event loop. (The file journal's
 * fsyncs take milliseconds, longer than these targets' writes, and would hide how the runner orders
 * concurrent writes.)
 */
function memoryJournal(records: NewJournalRecord[], durable: NewJournalRecord[]): Journal {
  const journal: Pick<Journal, 'append' | 'flush'> = {
    append: (record: NewJournalRecord) => void records.push(record),
    flush: async () => {
      const upTo = records.length;
      await turnOf();
      for (const record of records.slice(durable.length, upTo)) durable.push(record);
    },
  };
  return journal as Journal;
}

/** A retry's wait takes a few turns of the event loop (no time passes): later writes that are not held back overtake it. */
const turnsClock: Clock = {
  now: () => 0,
  sleep: async (_ms, signal) => {
    for (let i = 0; i < 5; i++) await turnOf();
    if (signal.aborted) throw abortReason(signal);
  },
};

describe('connection runner: per-key order across retries', () => {
  let records: NewJournalRecord[];
  let durable: NewJournalRecord[];
  beforeEach(() => {
    records = [];
    durable = [];
  });

  const context = (signal: AbortSignal = new AbortController().signal): RunContext => (setMaxListeners(0, signal), {
    runId: 'r1', mode: 'warn', flowFile: 'x.flow.yaml', journal: memoryJournal(records, durable), redactor: new Redactor(), clock: turnsClock, signal, stopReading: signal,
    emit: () => undefined, log: () => undefined, maxInFlight: 8, random: () => 0.5,
  });
  const job = (items: readonly Item[], writer: TargetWriter, commits: string[], maxInFlight = 8): ConnectionJob => ({
    id: 'Src -> Target', identity: { connectionIndex: 0, from: 'Src', to: 'Target' }, target: 'Target', reader: reader(items, commits), writer, validator: PayloadValidator.none(),
    schedule: RetrySchedule.fromSettings({ strategy: 'fixed', delay: '1s', maxAttempts: 3 }), maxInFlight, mode: 'warn',
  });
  /** Each row's values in the order they landed. */
  const perRow = (landed: readonly string[]) => {
    const rows = new Map<string, number[]>();
    for (const label of landed) {
      const [row, v] = label.split(':') as [string, string];
      rows.set(row, [...(rows.get(row) ?? []), Number(v)]);
    }
    return Object.fromEntries(rows);
  };
  /** Rows a and b get five values each, interleaved with 30 rows of one value. */
  const items = (sourceKey: (row: string, v: number, i: number) => string | null): Item[] => {
    const out: Item[] = [];
    for (let v = 1; v <= 5; v++) {
      for (const row of ['a', 'b']) out.push({ row, v, source: null });
      for (let j = 0; j < 6; j++) out.push({ row: `r${v}-${j}`, v, source: null });
    }
    return out.map((item, i) => ({ ...item, source: sourceKey(item.row, item.v, i) }));
  };

  it('a write retried after a lost connection still lands before the later writes of its message key, and commits stay in read order', async () => {
    const list = items((row) => row);
    const target = new FlakyTarget(new Set(['a:1', 'b:3']));
    const unjournaled: string[] = [];
    const write = target.write.bind(target);
    target.write = (message) => {
      const traceId = message.headers.traceparent!.split('-')[1];
      if (!durable.some((r) => r.t === 'in-flight' && r.traceId === traceId)) unjournaled.push(message.value.toString());
      return write(message);
    };
    const commits: string[] = [];
    const outcome = await runConnection(context(), job(list, target, commits));
    assert.equal(outcome.error, undefined);
    assert.deepEqual(outcome.counts, { read: 40, delivered: 40, parked: 0, filtered: 0 });
    assert.deepEqual(perRow(target.landed).a, [1, 2, 3, 4, 5]);
    assert.deepEqual(perRow(target.landed).b, [1, 2, 3, 4, 5]);
    assert.deepEqual(commits, list.map((_, i) => `src@${i}`));
    assert.deepEqual(unjournaled, [], 'every message\'s in-flight record is durable before the target sees it');
  });

  it('keeps the order of the key the target orders by when every message has its own key (AMQP message ids into an upsert)', async () => {
    const target = new FlakyTarget(new Set(['a:2']));
    target.orderKey = (message) => parse(message).row;
    await runConnection(context(), job(items((_, __, i) => `msg-${i}`), target, []));
    assert.deepEqual(perRow(target.landed).a, [1, 2, 3, 4, 5]);
  });

  it('a batch that fails as a whole while the next batch is queued does not let the next one overtake it', async () => {
    const target = new GroupCommitTarget('a:2');
    const outcome = await runConnection(context(), job(items(() => null), target, [], 32));
    assert.equal(outcome.counts.delivered, 40);
    assert.deepEqual(perRow(target.landed).a, [1, 2, 3, 4, 5]);
    assert.deepEqual(perRow(target.landed).b, [1, 2, 3, 4, 5]);
  });

  it('writes messages of distinct keys concurrently, up to maxInFlight; one key\'s messages one at a time', async () => {
    const distinct = Array.from({ length: 64 }, (_, i) => ({ source: `k${i}`, row: `k${i}`, v: i }));
    // Writes are confirmed only in waves of maxInFlight: were messages of distinct keys held back, the run would never end.
    let held: (() => void)[] = [];
    let most = 0;
    const wide: TargetWriter = {
      write: () => new Promise<Delivery>((resolve) => {
        held.push(() => resolve({ position: 'ok' }));
        most = Math.max(most, held.length);
        if (held.length < 8) return;
        const wave = held;
        held = [];
        for (const release of wave) release();
      }),
      close: () => Promise.resolve(),
    };
    const outcome = await runConnection(context(), job(distinct, wide, []));
    assert.equal(outcome.counts.delivered, 64);
    assert.equal(most, 8);
    const single = new FlakyTarget(new Set());
    await runConnection(context(), job(distinct.map((d) => ({ ...d, source: 'same' })), single, []));
    assert.equal(single.landed.length, 64);
    assert.equal(single.maxInFlight, 1);
  });

  it('stops on abort while later messages of a key wait for one that is still being written; they are never written', async () => {
    const stop = new AbortController();
    const written: number[] = [];
    const hanging: TargetWriter = {
      write: (message, signal) => {
        written.push(parse(message).v);
        return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new ConnectorError('aborted', 'timeout')), { once: true }));
      },
      close: () => Promise.resolve(),
    };
    const list = [1, 2, 3].map((v) => ({ source: 'a', row: 'a', v }));
    const running = runConnection(context(stop.signal), job(list, hanging, []));
    while (written.length === 0) await turnOf();
    stop.abort(new StopRequested());
    await assert.rejects(running, StopRequested);
    assert.deepEqual(written, [1]);
  });
});
