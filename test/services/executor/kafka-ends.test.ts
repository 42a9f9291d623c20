// Where a Kafka run ends: the last stable offset, reached by the fetch past transaction markers, aborted and compacted records.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type ITopicConfig } from 'kafkajs';
import { Client } from 'pg';
import { createConnector } from '../../../executor/connectors/registry';
import { startRun, type EngineDeps } from '../../../executor/engine';
import { readJournalFiles, readSummary } from '../../../protocol/journal-files';
import { runDirectory } from '../../../executor/run-paths';
import type { RunSummary } from '../../../protocol/journal-records';
import { environmentSecrets } from '../../../executor/values';
import { deleteQueue, drainQueue, fillQueue, kafkaBrokers, produceTransactions, readOffsets, type Transaction } from './broker-clients';
import { CLI, CliProcesses, until } from './cli-process';
import { kafkaToMqFlow, kafkaToTableFlow } from './flow-texts';
import { useScratchTables } from './scratch-tables';
import { createTopic as createKafkaTopic } from '../../support/kafka-topics';
import { runIdsIn } from '../../support/run-folders';

/** How long a run may take before the test calls it hung (the old ends never came). */
const BOUND_MS = 60_000;
const PARTITIONS = 2;

interface Order {
  readonly key: string;
  readonly value: { readonly id: string; readonly v: number };
  readonly partition: number;
}

const orders = (prefix: string, count: number, v = 0): Order[] =>
  Array.from({ length: count }, (_, i) => ({ key: `${prefix}-${i}`, value: { id: `${prefix}-${i}`, v }, partition: i % PARTITIONS }));

const kafka = () => new Kafka({ clientId: 'flowtracer-test', brokers: kafkaBrokers().split(','), logLevel: logLevel.NOTHING });

async function createTopic(topic: string, configEntries: ITopicConfig['configEntries'] = []): Promise<void> {
  const admin = kafka().admin();
  await admin.connect();
  await createKafkaTopic(admin, { topic, numPartitions: PARTITIONS, configEntries });
  await admin.disconnect();
}

async function deleteTopics(topics: string[]): Promise<void> {
  const admin = kafka().admin();
  await admin.connect();
  await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.disconnect();
}

describe('a Kafka run ends at the last stable offset, on what the fetch got past @kafka', function () {
  this.timeout(240_000);
  const tag = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const scratch = useScratchTables(tag.replace(/[^a-z0-9]/g, ''));
  const processes = new CliProcesses();
  const topics: string[] = [];
  const queues: string[] = [];
  let dir: string;

  before(() => {
    assert.ok(existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`);
    dir = mkdtempSync(join(tmpdir(), 'ft-kafka-ends-'));
  });
  after(async () => {
    processes.killRunning();
    for (const queue of queues) await deleteQueue(queue);
    await deleteTopics(topics);
    rmSync(dir, { recursive: true, force: true });
  });

  const name = (what: string) => `ft-ends-${what}-${tag}`;
  const deps = (): EngineDeps => ({
    connectors: createConnector, env: process.env, secrets: environmentSecrets({}), emit: () => undefined,
    runsDir: join(dir, 'runs'), signal: AbortSignal.timeout(BOUND_MS),
  });
  const counts = (reconciliation: RunSummary['reconciliation']) => reconciliation.map(({ connection, read, delivered, parked, filtered, balanced }) => ({ connection, read, delivered, parked, filtered, balanced }));
  const sortedKeys = (list: readonly { key: string | null }[]) => list.map((m) => String(m.key)).sort();

  /** A kafka→mq run in this process; a run that never ends is stopped by the bound and fails the assertion on its status. */
  async function plainRun(topic: string): Promise<{ status: string; error?: string; counts: ReturnType<typeof counts>; arrived: string[] }> {
    const queue = name(`q${queues.length}`);
    queues.push(queue);
    await fillQueue(queue, []);
    const file = join(dir, `${queue}.flow.yaml`);
    writeFileSync(file, kafkaToMqFlow('kafka-ends', topic, queue));
    const result = await startRun(file, {}, deps());
    return { status: result.status, ...(result.error ? { error: result.error } : {}), counts: counts(result.reconciliation), arrived: sortedKeys(await drainQueue(queue)) };
  }

  /**
   * A kafka→database run shared by two CLI processes (`run`, then `run --join`). The table is held
   * with a SHARE lock (inserts wait, reads do not) until the joined process has sent a message, so
   * that both take part whatever the machine's speed; then both must end within the bound.
   */
  async function sharedRun(topic: string, table: string): Promise<{ summary: RunSummary; exits: (number | NodeJS.Signals)[]; workersSending: number; rows: { id: string; body: unknown }[] }> {
    const runsDir = join(dir, `runs-${table}`);
    const file = join(dir, `${table}.flow.yaml`);
    writeFileSync(file, kafkaToTableFlow('kafka-ends-shared', topic, table));
    const gate = new Client({ connectionString: process.env.FLOWTRACER_TEST_PG_URL });
    await gate.connect();
    try {
      await gate.query('BEGIN');
      await gate.query(`LOCK TABLE ${table} IN SHARE MODE`);
      const common = ['--runs-dir', runsDir, '--max-in-flight', '2'];
      const starter = processes.start(['run', file, ...common]);
      const runId = await until('the run to start', () => runIdsIn(runsDir)[0]);
      const directory = runDirectory(runsDir, runId);
      await until('the share of the Kafka source', async () => (existsSync(join(directory, 'summary.json')) ? (await readSummary(directory)).shared?.['Orders -> OrderDB'] : undefined));
      const joiner = processes.start(['run', '--join', runId, ...common]);
      await until('the joined process to send a message', async () => ((await readJournalFiles(directory)).some((f) => f.worker !== 'main' && f.records.some((r) => r.t === 'in-flight')) ? true : undefined), BOUND_MS);
      await gate.query('COMMIT');
      const ended = (p: typeof starter) => p.child.exitCode !== null || p.child.signalCode !== null;
      await until('both processes to end (a partition whose end they never see keeps them reading)', () => (ended(starter) && ended(joiner) ? true : undefined), BOUND_MS);
      const exits = await Promise.all([starter.exit, joiner.exit]);
      const files = await readJournalFiles(directory);
      const workersSending = files.filter((f) => f.records.some((r) => r.t === 'in-flight')).length;
      const rows = (await scratch.db.query<{ id: string; body: unknown }>(`SELECT id, body FROM ${table} ORDER BY id COLLATE "C"`)).rows;
      return { summary: await readSummary(directory), exits, workersSending, rows };
    } finally {
      await gate.end();
    }
  }

  describe('a topic a transactional producer wrote: committed, aborted, committed', () => {
    const topic = name('tx');
    const first = orders('first', 20);
    const aborted = orders('aborted', 10);
    const last = orders('last', 15);
    const committed = [...first, ...last];

    before(async () => {
      topics.push(topic);
      await createTopic(topic);
      const transactions: Transaction[] = [{ outcome: 'commit', messages: first }, { outcome: 'abort', messages: aborted }, { outcome: 'commit', messages: last }];
      await produceTransactions(topic, transactions);
      const seen = await readOffsets(topic);
      // Each partition ends in a commit marker: the last offset holds no message.
      const ends = new Map((await readOffsetEnds(topic)).map((e) => [e.partition, e.end]));
      for (let p = 0; p < PARTITIONS; p++) assert.ok(seen.filter((m) => m.partition === p).every((m) => m.offset < ends.get(p)! - 1n), `partition ${p} ends in a marker`);
      assert.deepEqual(sortedKeys(seen), sortedKeys(committed), 'a consumer sees the committed transactions only');
    });

    it('a run reads exactly the committed messages and ends, balanced @kafka', async () => {
      const run = await plainRun(topic);
      assert.equal(run.status, 'succeeded', run.error);
      assert.deepEqual(run.counts, [{ connection: 'Orders -> OrderQueue', read: 35, delivered: 35, parked: 0, filtered: 0, balanced: true }]);
      assert.deepEqual(run.arrived, sortedKeys(committed), 'every committed message once, none of the aborted transaction');
    });

    it('a run shared by two processes ends with every committed message and none aborted, balanced @kafka', async () => {
      const table = await scratch.create('tx', 'id text PRIMARY KEY, body jsonb NOT NULL');
      const run = await sharedRun(topic, table);
      assert.deepEqual(run.exits, [0, 0], 'both processes end with exit code 0');
      assert.equal(run.workersSending, 2, 'both processes sent messages');
      assert.equal(run.summary.status, 'succeeded', run.summary.error);
      assert.deepEqual(counts(run.summary.reconciliation), [{ connection: 'Orders -> OrderDB', read: 35, delivered: 35, parked: 0, filtered: 0, balanced: true }]);
      assert.deepEqual(run.rows, committed.map((o) => o.value).sort(byId).map((value) => ({ id: value.id, body: value })));
    });

    it('a transaction still open when the run starts lies past its end: the run reads up to the last stable offset and ends @kafka', async () => {
      const open = name('tx-open');
      topics.push(open);
      await createTopic(open);
      await produceTransactions(open, [{ outcome: 'commit', messages: first }]);
      const producer = kafka().producer({ transactionalId: `ft-test-${open}-open`, idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      const pending = await producer.transaction();
      try {
        await pending.send({ topic: open, acks: -1, messages: orders('pending', 6).map((m) => ({ key: m.key, value: JSON.stringify(m.value), partition: m.partition })) });
        const run = await plainRun(open);
        assert.equal(run.status, 'succeeded', run.error);
        assert.deepEqual(run.counts, [{ connection: 'Orders -> OrderQueue', read: 20, delivered: 20, parked: 0, filtered: 0, balanced: true }]);
        assert.deepEqual(run.arrived, sortedKeys(first));
      } finally {
        await pending.abort();
        await producer.disconnect();
      }
    });
  });

  describe('a compacted topic', () => {
    const topic = name('compacted');
    const unique = orders('unique', 40);
    const ROUNDS = 5;
    const hot = (v: number) => orders('hot', 10, v);
    /** Written last, in the active segment, which the cleaner leaves alone: it also keeps the keys it holds out of the cleaning. */
    const tail = orders('tail', 10);
    /** What compaction leaves: every unique key, the hot keys' last values, the tail. */
    const survivors = [...unique, ...hot(ROUNDS - 1), ...tail];

    before(async function () {
      this.timeout(150_000);
      topics.push(topic);
      await createTopic(topic, [
        { name: 'cleanup.policy', value: 'compact' }, { name: 'segment.ms', value: '100' },
        { name: 'min.cleanable.dirty.ratio', value: '0.01' }, { name: 'min.compaction.lag.ms', value: '0' },
      ]);
      const producer = kafka().producer();
      await producer.connect();
      for (let v = 0; v <= ROUNDS; v++) {
        const round = v === 0 ? [...unique, ...hot(0)] : v < ROUNDS ? hot(v) : tail;
        await producer.send({ topic, acks: -1, messages: round.map((m) => ({ key: m.key, value: JSON.stringify(m.value), partition: m.partition })) });
        // segment.ms is 100: the next round's first write rolls a new segment once this one is older than that.
        const written = Date.now();
        await until('the segment to age past segment.ms', () => (Date.now() - written > 150 ? true : undefined));
      }
      await producer.disconnect();
      // The broker's cleaner looks every log.cleaner.backoff.ms (15 s by default).
      await until('the broker to compact the topic', async () => ((await readOffsets(topic)).length === survivors.length ? true : undefined), 120_000);
      const seen = await readOffsets(topic);
      const ends = new Map((await readOffsetEnds(topic)).map((e) => [e.partition, e.end]));
      assert.equal([...ends.values()].reduce((n, end) => n + Number(end), 0), unique.length + ROUNDS * hot(0).length + tail.length, 'every write took an offset');
      assert.deepEqual(seen.map((m) => m.value as Order['value']).sort(byId), survivors.map((m) => m.value).sort(byId), 'a consumer sees the survivors, with offset gaps');
    });

    it('a run reads the surviving records and ends, balanced @kafka', async () => {
      const run = await plainRun(topic);
      assert.equal(run.status, 'succeeded', run.error);
      assert.deepEqual(run.counts, [{ connection: 'Orders -> OrderQueue', read: survivors.length, delivered: survivors.length, parked: 0, filtered: 0, balanced: true }]);
      assert.deepEqual(run.arrived, sortedKeys(survivors));
    });

    it('a run shared by two processes reads the surviving records and ends balanced: no false mismatch @kafka', async () => {
      const table = await scratch.create('compacted', 'id text PRIMARY KEY, body jsonb NOT NULL');
      const run = await sharedRun(topic, table);
      assert.deepEqual(run.exits, [0, 0], 'both processes end with exit code 0');
      assert.equal(run.workersSending, 2, 'both processes sent messages');
      assert.equal(run.summary.status, 'succeeded', run.summary.error);
      assert.deepEqual(counts(run.summary.reconciliation), [{ connection: 'Orders -> OrderDB', read: survivors.length, delivered: survivors.length, parked: 0, filtered: 0, balanced: true }]);
      assert.deepEqual(run.rows, survivors.map((o) => o.value).sort(byId).map((value) => ({ id: value.id, body: value })));
    });
  });
});

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Each partition's end as a run fixes it: the last stable offset (ListOffsets, READ_COMMITTED). */
async function readOffsetEnds(topic: string): Promise<{ partition: number; end: bigint }[]> {
  const admin = kafka().admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  return offsets.map((o) => ({ partition: o.partition, end: BigInt(o.high) }));
}
