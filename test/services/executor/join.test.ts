// Beyond one machine: three CLI processes share one kafka→mq run through its consumer group; one is killed with SIGKILL.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { parsePosition } from '../../../executor/connectors/kafka-reader';
import { readJournalFiles, readSummary } from '../../../protocol/journal-files';
import { runDirectory } from '../../../executor/run-paths';
import type { JournalRecord } from '../../../protocol/journal-records';
import { runDetails } from '../../../executor/run-inspection';
import { deleteQueue, drainQueue, fillQueue, kafkaBrokers, produce } from './broker-clients';
import { CLI, CliProcesses, until } from './cli-process';
import { kafkaToMqFlow } from './flow-texts';
import { killStarterMidRun } from './starter-kill';
import { createTopic } from '../../support/kafka-topics';
import { FolderRunStore } from '../../../executor/stores/folder-run-store';
import { runIdsIn } from '../../support/run-folders';

const COUNT = 3000;
const PARTITIONS = 6;
const processes = new CliProcesses();
const cli = (args: string[]) => processes.start(args);

type Delivered = Extract<JournalRecord, { t: 'delivered' }>;

describe('a run shared by three processes, one killed with SIGKILL @kafka', function () {
  this.timeout(120_000);
  const tag = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const topic = `ft-join-${tag}`;
  const queue = `ft-join-${tag}`;
  let dir: string;

  before(async () => {
    assert.ok(existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`);
    dir = mkdtempSync(join(tmpdir(), 'ft-join-'));
    const admin = new Kafka({ clientId: 'flowtracer-test', brokers: kafkaBrokers().split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await createTopic(admin, { topic, numPartitions: PARTITIONS });
    await admin.disconnect();
  });
  after(async () => {
    processes.killRunning();
    await deleteQueue(queue);
    rmSync(dir, { recursive: true, force: true });
  });

  it('shares the partitions, the survivors finish the killed one\'s, every key arrives, duplicates stay within the reported window', async () => {
    await produce(topic, Array.from({ length: COUNT }, (_, i) => ({ key: `k${i}`, value: { i, body: 'x'.repeat(200) } })));
    await fillQueue(queue, []);
    const file = join(dir, 'join.flow.yaml');
    writeFileSync(file, kafkaToMqFlow('join-run', topic, queue));
    const runsDir = join(dir, 'runs');
    // Few messages in flight per process keep the run going long enough to kill one of them mid-way.
    const common = ['--runs-dir', runsDir, '--max-in-flight', '4'];
    const starter = cli(['run', file, ...common]);
    const runId = await until('the run to start', () => runIdsIn(runsDir)[0]);
    const directory = runDirectory(runsDir, runId);
    const share = await until('the share of the Kafka source', async () => (existsSync(join(directory, 'summary.json')) ? (await readSummary(directory)).shared?.['Orders -> OrderQueue'] : undefined));
    const fixed = (share as { partitions: { start: string; end: string }[] }).partitions.reduce((n, p) => n + Number(BigInt(p.end) - BigInt(p.start)), 0);
    assert.equal(fixed, COUNT, 'the share fixes every partition\'s end at run start');
    const joiners = [cli(['run', '--join', runId, ...common]), cli(['run', '--join', runId, file, ...common])];

    // Kill the starting process while it is reading a partition far from its end, once a joined process delivers too.
    const ends = new Map((share as { partitions: { partition: number; end: string }[] }).partitions.map((p) => [p.partition, BigInt(p.end)]));
    const atKill = await killStarterMidRun(starter, ends, () => readJournalFiles(directory));
    const total = [...atKill.values()].reduce((a, b) => a + b, 0);
    assert.ok(total < COUNT, `the kill landed mid-run (${total} of ${COUNT} delivered)`);

    const exits = await Promise.all(joiners.map((j) => j.exit));
    assert.deepEqual(exits, [0, 0], 'both survivors finish with exit code 0');

    const summary = await readSummary(directory);
    assert.equal(summary.status, 'succeeded', summary.error);
    assert.deepEqual(summary.reconciliation.map(({ connection, read, delivered, parked, filtered, balanced }) => ({ connection, read, delivered, parked, filtered, balanced })), [
      { connection: 'Orders -> OrderQueue', read: COUNT, delivered: COUNT, parked: 0, filtered: 0, balanced: true },
    ]);

    const files = await readJournalFiles(directory);
    const killed = files.find((f) => f.worker === 'main')!;
    const survivors = files.filter((f) => f !== killed);
    const partitionsOf = (records: readonly JournalRecord[]) => new Set(records.filter((r): r is Delivered => r.t === 'delivered').map((r) => parsePosition(r.source).partition));
    assert.ok(files.filter((f) => partitionsOf(f.records).size > 0).length >= 2, 'at least two processes delivered');
    // The partitions the killed process had not finished: a survivor delivered what came after its last
    // delivery and committed the end (or the killed one's own delivery of the last offset is in doubt).
    const lastOf = (partition: number) => `${topic}/${partition}@${ends.get(partition)! - 1n}`;
    const has = (records: readonly JournalRecord[], t: 'committed' | 'delivered', source: string) => records.some((r) => r.t === t && r.source === source);
    const highest = (records: readonly JournalRecord[], partition: number) => records
      .filter((r): r is Delivered => r.t === 'delivered' && parsePosition(r.source).partition === partition)
      .reduce((max, r) => (parsePosition(r.source).offset > max ? parsePosition(r.source).offset : max), -1n);
    const unfinished = [...partitionsOf(killed.records)].filter((p) => !has(killed.records, 'committed', lastOf(p)));
    const takenOver = unfinished.filter((p) => survivors.some((f) => highest(f.records, p) > highest(killed.records, p)));
    assert.ok(takenOver.length > 0, `the survivors took over partitions of the killed process (unfinished: ${unfinished.join(', ')})`);
    for (const partition of unfinished) {
      const finished = survivors.some((f) => has(f.records, 'committed', lastOf(partition))) || has(killed.records, 'delivered', lastOf(partition));
      assert.ok(finished, `partition ${partition} of the killed process was finished`);
    }
    const killedPartitions = takenOver;

    const arrived = await drainQueue(queue);
    const seen = new Map<string, number>();
    for (const message of arrived) seen.set(String(message.key), (seen.get(String(message.key)) ?? 0) + 1);
    const missing = Array.from({ length: COUNT }, (_, i) => `k${i}`).filter((key) => !seen.has(key));
    assert.deepEqual(missing, [], 'every key arrived');
    const details = await runDetails(new FolderRunStore(runsDir), runId);
    const inDoubt = new Set(details.inDoubt.map((d) => d.key));
    const duplicates = [...seen].filter(([, n]) => n > 1).map(([key]) => key);
    assert.deepEqual(duplicates.filter((key) => !inDoubt.has(key)), [], `duplicates outside the reported window (window ${inDoubt.size})`);
    assert.deepEqual(files.map((f) => f.records.some((r) => r.t === 'worker-end')), [false, true, true], 'the killed process never ended its part; the survivors did');
    assert.equal(files.flatMap((f) => f.records).filter((r) => r.t === 'run-end').length, 1, 'one survivor closed the run');
    assert.equal(details.workers.length, 3);
    console.log(`      killed the starting process at ${total} deliveries (${[...atKill].map(([w, n]) => `${w} ${n}`).join(', ')}); its partitions ${killedPartitions.join(', ')} taken over by the survivors; ${arrived.length} arrivals of ${COUNT} keys, ${duplicates.length} duplicates, all within the ${inDoubt.size} in-doubt messages the journal reported`);
  });
});
