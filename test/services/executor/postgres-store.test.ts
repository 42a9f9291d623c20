// Runs kept in PostgreSQL (--runs-store): three CLI processes share a kafka→mq run through the store, the starter killed with SIGKILL; a process whose store session is terminated stops without losing anything.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { parsePosition } from '../../../executor/connectors/kafka-reader';
import { runDetails } from '../../../executor/run-inspection';
import type { StoredRun } from '../../../executor/run-store';
import { PostgresRunStore } from '../../../executor/stores/postgres-run-store';
import { JOURNAL_RECORD_TYPES, type JournalRecord } from '../../../protocol/journal-records';
import { DEFAULT_PG_URL } from '../../support/service-reachability';
import { createTopic } from '../../support/kafka-topics';
import { deleteQueue, drainQueue, fillQueue, kafkaBrokers, produce } from './broker-clients';
import { CLI, CliProcesses, runCli, until } from './cli-process';
import { kafkaToMqFlow } from './flow-texts';
import { killStarterMidRun } from './starter-kill';
import { NetworkNamespace } from './network-namespace';

type Delivered = Extract<JournalRecord, { t: 'delivered' }>;

/** Every event log of a run in the store, each with its records. */
async function storeLogs(run: StoredRun): Promise<{ worker: string; records: JournalRecord[] }[]> {
  const out: { worker: string; records: JournalRecord[] }[] = [];
  for (const log of await run.logs()) {
    const records: JournalRecord[] = [];
    for await (const r of run.records(log, JOURNAL_RECORD_TYPES)) records.push(r);
    out.push({ worker: log, records });
  }
  return out;
}

const COUNT = 3000;
const PARTITIONS = 6;

describe('runs kept in PostgreSQL (--runs-store) @kafka', function () {
  this.timeout(180_000);
  const processes = new CliProcesses();
  const tag = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const schema = `ft_store_${tag}`;
  const url = `${process.env.FLOWTRACER_TEST_PG_URL ?? DEFAULT_PG_URL}?schema=${schema}`;
  let dir: string;
  let store: PostgresRunStore;
  let admin: pg.Client;

  before(async () => {
    assert.ok(existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`);
    dir = mkdtempSync(join(tmpdir(), 'ft-store-'));
    store = await PostgresRunStore.open(url);
    admin = new pg.Client({ connectionString: process.env.FLOWTRACER_TEST_PG_URL ?? DEFAULT_PG_URL });
    await admin.connect();
  });
  after(async () => {
    processes.killRunning();
    await store?.close();
    await admin?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin?.end();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A topic of COUNT keyed messages over PARTITIONS partitions, an empty queue, and the flow between them. */
  async function scenario(name: string): Promise<{ topic: string; queue: string; file: string }> {
    const topic = `ft-store-${name}-${tag}`;
    const queue = `ft-store-${name}-${tag}`;
    const kafka = new Kafka({ clientId: 'flowtracer-test', brokers: kafkaBrokers().split(','), logLevel: logLevel.NOTHING }).admin();
    await kafka.connect();
    await createTopic(kafka, { topic, numPartitions: PARTITIONS });
    await kafka.disconnect();
    await produce(topic, Array.from({ length: COUNT }, (_, i) => ({ key: `k${i}`, value: { i, body: 'x'.repeat(200) } })));
    await fillQueue(queue, []);
    const file = join(dir, `${name}.flow.yaml`);
    writeFileSync(file, kafkaToMqFlow(`store-${name}`, topic, queue));
    return { topic, queue, file };
  }

  /** The run the starter began, once its share of the Kafka source is in the store. */
  async function startedRun(name: string): Promise<{ runId: string; run: StoredRun; ends: Map<number, bigint> }> {
    const runId = await until('the run to start', async () => (await store.listRuns()).find((r) => r.flow === `store-${name}` && r.shared?.['Orders -> OrderQueue'])?.runId);
    const run = store.run(runId);
    const share = (await run.readSummary()).shared!['Orders -> OrderQueue'] as { partitions: { partition: number; start: string; end: string }[] };
    assert.equal(share.partitions.reduce((n, p) => n + Number(BigInt(p.end) - BigInt(p.start)), 0), COUNT, 'the share fixes every partition\'s end at run start');
    return { runId, run, ends: new Map(share.partitions.map((p) => [p.partition, BigInt(p.end)])) };
  }

  /** Every key arrived; a key that arrived twice is in the in-doubt window `show` reports. */
  async function assertArrivals(queue: string, runId: string): Promise<{ arrivals: number; duplicates: number; window: number }> {
    const arrived = await drainQueue(queue);
    const seen = new Map<string, number>();
    for (const message of arrived) seen.set(String(message.key), (seen.get(String(message.key)) ?? 0) + 1);
    assert.deepEqual(Array.from({ length: COUNT }, (_, i) => `k${i}`).filter((key) => !seen.has(key)), [], 'every key arrived');
    const inDoubt = new Set((await runDetails(store, runId)).inDoubt.map((d) => d.key));
    const duplicates = [...seen].filter(([, n]) => n > 1).map(([key]) => key);
    assert.deepEqual(duplicates.filter((key) => !inDoubt.has(key)), [], `duplicates outside the reported window (window ${inDoubt.size})`);
    return { arrivals: arrived.length, duplicates: duplicates.length, window: inDoubt.size };
  }

  it('shares a run between three processes through the store; the survivors take over the SIGKILLed starter\'s partitions and close the run', async () => {
    const { topic, queue, file } = await scenario('join');
    const common = ['--runs-store', url, '--max-in-flight', '4'];
    const starter = processes.start(['run', file, ...common]);
    const { runId, run, ends } = await startedRun('join');
    const joiners = [processes.start(['run', '--join', runId, ...common]), processes.start(['run', '--join', runId, file, ...common])];

    const atKill = await killStarterMidRun(starter, ends, () => storeLogs(run));
    const total = [...atKill.values()].reduce((a, b) => a + b, 0);
    assert.ok(total < COUNT, `the kill landed mid-run (${total} of ${COUNT} delivered)`);
    assert.deepEqual(await Promise.all(joiners.map((j) => j.exit)), [0, 0], 'both survivors finish with exit code 0');

    const summary = await run.readSummary();
    assert.equal(summary.status, 'succeeded', summary.error);
    assert.deepEqual(summary.reconciliation.map(({ connection, read, delivered, parked, filtered, balanced }) => ({ connection, read, delivered, parked, filtered, balanced })), [
      { connection: 'Orders -> OrderQueue', read: COUNT, delivered: COUNT, parked: 0, filtered: 0, balanced: true },
    ]);
    const logs = await storeLogs(run);
    const killed = logs.find((f) => f.worker === 'main')!;
    const survivors = logs.filter((f) => f !== killed);
    const partitionsOf = (records: readonly JournalRecord[]) => new Set(records.filter((r): r is Delivered => r.t === 'delivered').map((r) => parsePosition(r.source).partition));
    const lastOf = (partition: number) => `${topic}/${partition}@${ends.get(partition)! - 1n}`;
    const has = (records: readonly JournalRecord[], t: 'committed' | 'delivered', source: string) => records.some((r) => r.t === t && r.source === source);
    const highest = (records: readonly JournalRecord[], partition: number) => records
      .filter((r): r is Delivered => r.t === 'delivered' && parsePosition(r.source).partition === partition)
      .reduce((max, r) => (parsePosition(r.source).offset > max ? parsePosition(r.source).offset : max), -1n);
    const unfinished = [...partitionsOf(killed.records)].filter((p) => !has(killed.records, 'committed', lastOf(p)));
    const takenOver = unfinished.filter((p) => survivors.some((f) => highest(f.records, p) > highest(killed.records, p)));
    assert.ok(takenOver.length > 0, `the survivors took over partitions of the killed process (unfinished: ${unfinished.join(', ')})`);
    for (const partition of unfinished) {
      assert.ok(survivors.some((f) => has(f.records, 'committed', lastOf(partition))) || has(killed.records, 'delivered', lastOf(partition)), `partition ${partition} of the killed process was finished`);
    }
    const arrivals = await assertArrivals(queue, runId);
    assert.deepEqual(logs.map((f) => f.records.some((r) => r.t === 'worker-end')), [false, true, true], 'the killed process never ended its part; the survivors did');
    assert.equal(logs.flatMap((f) => f.records).filter((r) => r.t === 'run-end').length, 1, 'one survivor closed the run');
    // `show` reads the store as it reads a folder.
    const shown = await runCli(['show', runId, '--runs-store', url, '--json']);
    assert.equal(shown.code, 0, shown.stderr);
    assert.equal((JSON.parse(shown.stdout) as { summary: { status: string }; workers: unknown[] }).workers.length, 3);
    const listed = await runCli(['runs', '--runs-store', url, '--json']);
    assert.ok((JSON.parse(listed.stdout) as { runs: { runId: string; status: string }[] }).runs.some((r) => r.runId === runId && r.status === 'succeeded'), listed.stdout);
    const traced = await runCli(['trace', 'k7', '--runs-store', url, '--json']);
    assert.equal(traced.code, 0, traced.stderr);
    assert.ok((JSON.parse(traced.stdout) as { hops: { runId: string; key: string }[] }).hops.some((h) => h.runId === runId && h.key === 'k7'), traced.stdout);
    console.log(`      killed the starter at ${total} deliveries (${[...atKill].map(([w, n]) => `${w} ${n}`).join(', ')}); partitions ${takenOver.join(', ')} taken over; ${arrivals.arrivals} arrivals of ${COUNT} keys, ${arrivals.duplicates} duplicates, all within the ${arrivals.window} in-doubt messages`);
  });

  it('stops a process whose store session was terminated: it journals nothing more, and the other process delivers the rest', async () => {
    const { queue, file } = await scenario('terminate');
    const common = ['--runs-store', url, '--max-in-flight', '4'];
    const starter = processes.start(['run', file, ...common]);
    const { runId, run } = await startedRun('terminate');
    const joiner = processes.start(['run', '--join', runId, ...common]);
    // Both delivering with work left for both, however fast the starter is: it delivers ~700 a second here, and
    // the joined process gets its partitions only after a rebalance (a heartbeat and a batch later), ~1 s in or more.
    let last = '';
    const worker = await until('the joined process delivering', async () => {
      const logs = await storeLogs(run);
      const delivered = (f: { records: JournalRecord[] }) => f.records.filter((r) => r.t === 'delivered').length;
      last = logs.map((f) => `${f.worker} ${delivered(f)}`).join(', ');
      const joined = logs.find((f) => f.worker !== 'main' && delivered(f) >= 20 && !f.records.some((r) => r.t === 'worker-end'));
      const main = delivered(logs.find((f) => f.worker === 'main')!);
      const total = logs.reduce((n, f) => n + delivered(f), 0);
      return joined && main >= 20 && total < COUNT - 300 ? joined.worker : undefined;
    }, 60_000).catch((error: Error) => {
      throw new Error(`${error.message} (last seen delivered: ${last})`);
    });
    const { rows } = await admin.query<{ terminated: boolean }>(`SELECT pg_terminate_backend(backend_pid) AS terminated FROM "${schema}".owners WHERE run_id = $1 AND role = $2`, [runId, `worker:${worker}`]);
    assert.deepEqual(rows, [{ terminated: true }]);
    assert.equal(await joiner.exit, 8, 'the process that lost its session says it lost its hold on the run (exit 8)');
    const frozen = (await storeLogs(run)).find((f) => f.worker === worker)!.records.length;
    assert.equal(await starter.exit, 0, 'the other process finishes the run');

    const logs = await storeLogs(run);
    const stopped = logs.find((f) => f.worker === worker)!;
    assert.equal(stopped.records.length, frozen, 'nothing more reached the stopped process\'s log');
    assert.equal(stopped.records.some((r) => r.t === 'worker-end'), false, 'it never ended its part');
    const summary = await run.readSummary();
    assert.equal(summary.status, 'succeeded', summary.error);
    assert.deepEqual(summary.reconciliation.map(({ read, delivered, balanced }) => ({ read, delivered, balanced })), [{ read: COUNT, delivered: COUNT, balanced: true }]);
    const arrivals = await assertArrivals(queue, runId);
    console.log(`      terminated ${worker}'s session after ${stopped.records.filter((r) => r.t === 'delivered').length} deliveries; ${arrivals.arrivals} arrivals of ${COUNT} keys, ${arrivals.duplicates} duplicates within the ${arrivals.window} in-doubt messages`);
    await deleteQueue(queue);
  });
  it('shares a run between two processes in network namespaces of their own, with host names of their own, through the store alone', async function () {
    if (process.getuid?.() !== 0) this.skip();
    const { queue, file } = await scenario('netns');
    const port = (address: string): number => Number(new URL(address.includes('://') ? address : `tcp://${address}`).port);
    const ports = [port(process.env.FLOWTRACER_TEST_PG_URL ?? DEFAULT_PG_URL), port(process.env.FLOWTRACER_TEST_AMQP_URL ?? 'amqp://127.0.0.1:5672'), ...kafkaBrokers().split(',').map(port)];
    const machines = await Promise.all(['a', 'b'].map((m) => NetworkNamespace.create(`ft-${m}-${tag}`.slice(0, 15), ports)));
    try {
      const common = ['--runs-store', url];
      // The starter writes one message at a time, so that it cannot finish the run alone before the joiner (a process
      // started in a namespace, then a rebalance) takes its partitions, however fast the machine: with 4 it once did.
      const starter = processes.start(['run', file, ...common, '--max-in-flight', '1'], (argv) => machines[0]!.command('machine-a', argv));
      const { runId, run } = await startedRun('netns');
      const joiner = processes.start(['run', '--join', runId, file, ...common, '--max-in-flight', '4'], (argv) => machines[1]!.command('machine-b', argv));
      const hosts = await until('both machines holding the run', async () => {
        const owners = await run.liveOwners();
        return owners.length === 2 ? owners.map((o) => o.owner?.host).sort() : undefined;
      }, 60_000);
      assert.deepEqual(hosts, ['machine-a', 'machine-b'], 'each process holds the run under its own host name');
      assert.deepEqual(await Promise.all([starter.exit, joiner.exit]), [0, 0]);
      const summary = await run.readSummary();
      assert.equal(summary.status, 'succeeded', summary.error);
      assert.deepEqual(summary.reconciliation.map(({ read, delivered, balanced }) => ({ read, delivered, balanced })), [{ read: COUNT, delivered: COUNT, balanced: true }]);
      const logs = await storeLogs(run);
      assert.deepEqual(logs.map((l) => l.worker.replace(/-\d+$/, '')), ['main', 'machine-b'], 'the joined process writes its own log, named by its host');
      const delivered = logs.map((l) => l.records.filter((r) => r.t === 'delivered').length);
      assert.ok(delivered.every((n) => n > 0), `both delivered (${delivered.join(' + ')})`);
      const arrivals = await assertArrivals(queue, runId);
      console.log(`      machine-a delivered ${delivered[0]}, machine-b ${delivered[1]}; ${arrivals.arrivals} arrivals of ${COUNT} keys`);
    } finally {
      for (const m of machines) m.dispose();
      await deleteQueue(queue);
    }
  });
});
