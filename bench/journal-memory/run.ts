// bench:journal-memory: peak RSS of `show`, `trace` and `resume` (CLI child processes) over a 10,000,000-message kafka→mq journal, against an earlier build on the same journal.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Kafka } from 'kafkajs';
import { performance } from 'node:perf_hooks';
import { JOURNAL_FILE, SUMMARY_FILE } from '../../protocol/journal-records';
import { recordRun, type Fate } from '../../test/support/recorded-run';
import { deleteQueue, queueDepth } from '../replay/ceilings';
import { benchBroker, benchKafka, deleteTopic } from '../replay/kafka-topic';
import { commitGroup, endOffsets, fillPartitions } from './kafka-offsets';
import { measuredCli, type CliFigures } from './measured-cli';

const MESSAGES = Number(process.env.BENCH_JOURNAL_MEMORY_MESSAGES ?? 10_000_000);
const PARTITIONS = Number(process.env.BENCH_JOURNAL_MEMORY_PARTITIONS ?? 4);
/** This build, and optionally an earlier one (e.g. of main: its dist/executor/cli.js) measured on the same journal. */
const CLI = resolve(process.env.BENCH_JOURNAL_MEMORY_CLI ?? resolve(__dirname, '../../dist/executor/cli.js'));
const BEFORE_CLI = process.env.BENCH_JOURNAL_MEMORY_BEFORE_CLI ? resolve(process.env.BENCH_JOURNAL_MEMORY_BEFORE_CLI) : undefined;
/** Per partition: messages sent when the run was killed (never committed), and messages the run never got to. */
const KILLED = 64;
const REMAINING = 2500;
/** One message in PARKED_EVERY is parked with a 1 KB payload (3,000 at 10,000,000). */
const PARKED_EVERY = 3333;
const TARGET_RSS_MB = 300;
const TIMEOUT_SECONDS = Number(process.env.BENCH_JOURNAL_MEMORY_TIMEOUT ?? 1800);
/** The journal takes about 560 bytes a message; room for a resume's records on top. */
const BYTES_PER_MESSAGE = 620;

const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const row = (cells: string[]): string => `| ${cells.map((c, i) => (i < 2 ? c.padEnd(i === 0 ? 8 : 22) : i === cells.length - 1 ? c.padEnd(48) : c.padStart(9))).join(' | ')} |`;

function flowText(topic: string, queue: string): string {
  return `flow: bench-journal-memory
components:
  Source:
    type: kafka
    brokers: ["\${env:FLOWTRACER_TEST_KAFKA_BROKERS}"]
    topic: ${topic}
  Target:
    type: mq
    url: "\${env:FLOWTRACER_TEST_AMQP_URL}"
    queue: ${queue}
connections:
  - from: Source
    to: Target
    select: { from: earliest, until: end }
`;
}

const perPartition = Math.floor(MESSAGES / PARTITIONS);
const fate = (_partition: number, offset: number): Fate => (offset >= perPartition - KILLED ? 'killed' : offset % PARKED_EVERY === PARKED_EVERY - 1 ? 'parked' : 'committed');
const parkedCount = PARTITIONS * Math.floor((perPartition - KILLED) / PARKED_EVERY);
const PAYLOAD = Buffer.from(`{"parked":"${'x'.repeat(1000)}"}`);

/** Puts the run back as the generator left it: a resume appends to the event log and rewrites the summary. */
function restorer(directory: string): () => void {
  const size = statSync(join(directory, JOURNAL_FILE)).size;
  const summary = readFileSync(join(directory, SUMMARY_FILE), 'utf8');
  const files = new Set(readdirSync(directory));
  return () => {
    for (const name of readdirSync(directory)) if (!files.has(name)) rmSync(join(directory, name), { recursive: true, force: true });
    truncateSync(join(directory, JOURNAL_FILE), size);
    writeFileSync(join(directory, SUMMARY_FILE), summary);
  };
}

/** What the measurements need of a generated run; kept in the run's folder so that BENCH_JOURNAL_MEMORY_REUSE can measure it again. */
interface Prepared {
  readonly dir: string;
  readonly topic: string;
  readonly queue: string;
  readonly runsDir: string;
  readonly runId: string;
  readonly messages: number;
  readonly records: number;
  readonly parked: number;
  readonly expectedResumed: number;
  readonly key: string;
}

const STATE_FILE = 'bench-state.json';

/** Fills the topic, commits the interrupted run's group and writes its journal. */
async function prepare(kafka: Kafka, dir: string, tag: string): Promise<Prepared> {
  const topic = `bench-journal-memory-${tag}`;
  const queue = topic;
  let start = performance.now();
  await fillPartitions(kafka, topic, PARTITIONS, perPartition + REMAINING, (n) => console.log(`  topic: ${fmt(n)} messages`));
  const ends = await endOffsets(kafka, topic);
  console.log(`filled ${topic} in ${fmt((performance.now() - start) / 1000, 1)} s: ends ${ends.join(', ')}`);
  // The interrupted run's consumer group got to the first message it had sent and not committed.
  const groupId = `flowtracer-bench-journal-memory-${tag}`;
  await commitGroup(kafka, groupId, topic, ends.map(() => BigInt(perPartition - KILLED)));
  const share = { kind: 'kafka-group', groupId, topic, partitions: ends.map((end, partition) => ({ partition, start: '0', end: end.toString() })), messages: ends.reduce((n, e) => n + Number(e), 0) };
  const flowFile = join(dir, 'bench.flow.yaml');
  writeFileSync(flowFile, flowText(topic, queue));
  const runsDir = join(dir, 'runs');
  const runId = `bench-${tag}`;
  start = performance.now();
  const { records } = await recordRun({
    runsDir, runId, flow: 'bench-journal-memory', flowFile, source: 'Source', target: 'Target', topic, partitions: PARTITIONS, perPartition, turn: 64, flushEvery: 4096,
    fate, key: (p, o) => `k${p}-${o}`, payload: () => PAYLOAD, shared: share, progress: (n) => console.log(`  journal: ${fmt(n)} messages`),
  });
  console.log(`journal written by the executor's Journal in ${fmt((performance.now() - start) / 1000, 1)} s`);
  const prepared: Prepared = {
    dir, topic, queue, runsDir, runId, messages: MESSAGES, records, parked: parkedCount,
    expectedResumed: ends.reduce((n, e) => n + Number(e) - (perPartition - KILLED), 0), key: `k1-${Math.floor(perPartition / 2)}`,
  };
  writeFileSync(join(dir, STATE_FILE), JSON.stringify(prepared, null, 2));
  return prepared;
}

async function main(): Promise<void> {
  const reuse = process.env.BENCH_JOURNAL_MEMORY_REUSE;
  const keep = process.env.BENCH_JOURNAL_MEMORY_KEEP === '1';
  const dir = reuse ? resolve(reuse) : mkdtempSync(join(tmpdir(), 'bench-journal-memory-'));
  const free = Number(statfsSync(dir).bavail) * Number(statfsSync(dir).bsize);
  if (!reuse && free < MESSAGES * BYTES_PER_MESSAGE) throw new Error(`${dir} has ${fmt(free / 1e9, 1)} GB free; the journal needs about ${fmt((MESSAGES * BYTES_PER_MESSAGE) / 1e9, 1)} GB (BENCH_JOURNAL_MEMORY_MESSAGES sets fewer)`);
  const broker = await benchBroker();
  const amqpUrl = process.env.FLOWTRACER_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
  const kafka = benchKafka(broker.brokers, 'flowtracer-bench-journal-memory');
  const env = { ...process.env, FLOWTRACER_TEST_KAFKA_BROKERS: broker.brokers, FLOWTRACER_TEST_AMQP_URL: amqpUrl };
  let prepared: Prepared | undefined = reuse ? (JSON.parse(readFileSync(join(dir, STATE_FILE), 'utf8')) as Prepared) : undefined;
  const tag = `${Date.now().toString(36)}-${Math.floor(Math.random() * 0xffff).toString(16)}`;
  const topic = prepared?.topic ?? `bench-journal-memory-${tag}`;
  console.log(`Kafka ${broker.brokers} (${broker.origin}); RabbitMQ ${amqpUrl.replace(/:[^:@/]*@/, ':***@')}; ${fmt(prepared?.messages ?? MESSAGES)} messages over ${PARTITIONS} partitions; runs in ${dir}${reuse ? ' (reused)' : ''}`);
  try {
    prepared ??= await prepare(kafka, dir, tag);
    const { runsDir, runId, queue, key } = prepared;
    const directory = join(runsDir, runId);
    const journalBytes = statSync(join(directory, JOURNAL_FILE)).size;
    console.log(`journal: ${fmt(prepared.records)} records of ${fmt(prepared.messages)} messages, ${fmt(journalBytes / 1024 / 1024)} MB (${fmt(prepared.parked)} parked, ${fmt(PARTITIONS * KILLED)} in flight at the kill); a resume delivers ${fmt(prepared.expectedResumed)}`);
    const restore = restorer(directory);

    const results: { build: string; command: string; figures: CliFigures; check: string }[] = [];
    const header = (): void => {
      console.log(row(['build', 'command', 'exit', 'seconds', 'peak RSS', 'CPU s', 'check']));
      console.log(row(['-'.repeat(8), '-'.repeat(22), ...Array.from({ length: 4 }, () => '-'.repeat(9)), '-'.repeat(48)]));
    };
    const report = (build: string, command: string, figures: CliFigures, check: string): void => {
      results.push({ build, command, figures, check });
      console.log(row([build, command, String(figures.exit), fmt(figures.seconds, 1), `${fmt(figures.peakRssMb)} MB`, fmt(figures.cpuSeconds, 1), check]));
    };
    const failure = (f: CliFigures): string => f.stderrTail.slice(0, 48);
    const measure = async (build: string, cli: string): Promise<void> => {
      const common = ['--runs-dir', runsDir];
      const show = await measuredCli(cli, ['show', runId, ...common], env, TIMEOUT_SECONDS);
      const parkedLines = show.stdout.split('\n').filter((l) => l.startsWith('  parked ')).length;
      report(build, 'show', show, show.exit === 0 ? `${fmt(parkedLines)} of ${fmt(prepared!.parked)} parked listed` : failure(show));
      const trace = await measuredCli(cli, ['trace', key, ...common], env, TIMEOUT_SECONDS);
      report(build, `trace ${key}`, trace, trace.exit === 0 ? `${trace.stdout.trim().split('\n').length} hop(s)` : failure(trace));
      await deleteQueue(amqpUrl, queue).catch(() => undefined);
      const resume = await measuredCli(cli, ['resume', runId, ...common], env, TIMEOUT_SECONDS);
      const depth = await queueDepth(amqpUrl, queue).catch(() => undefined);
      report(build, 'resume (to the end)', resume, depth !== undefined ? `queue got ${fmt(depth)} of ${fmt(prepared!.expectedResumed)}` : failure(resume));
      restore();
    };
    console.log('');
    header();
    await measure('this', CLI);
    if (BEFORE_CLI) await measure('before', BEFORE_CLI);

    console.log('');
    header();
    for (const r of results) console.log(row([r.build, r.command, String(r.figures.exit), fmt(r.figures.seconds, 1), `${fmt(r.figures.peakRssMb)} MB`, fmt(r.figures.cpuSeconds, 1), r.check]));
    console.log('');
    for (const r of results.filter((x) => x.build === 'this')) {
      console.log(`${r.command}: peak RSS ${fmt(r.figures.peakRssMb)} MB over a ${fmt(journalBytes / 1024 / 1024)} MB journal of ${fmt(prepared.messages)} messages — target under ${TARGET_RSS_MB} MB: ${r.figures.peakRssMb < TARGET_RSS_MB ? 'met' : 'NOT met'}`);
    }
    if (!BEFORE_CLI) console.log('(an earlier build on the same journal: BENCH_JOURNAL_MEMORY_BEFORE_CLI=<its dist/executor/cli.js>)');
  } finally {
    if (keep) console.log(`kept: BENCH_JOURNAL_MEMORY_REUSE=${dir} measures it again`);
    else {
      await deleteTopic(kafka, topic).catch(() => undefined);
      await deleteQueue(amqpUrl, topic).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
    await broker.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
