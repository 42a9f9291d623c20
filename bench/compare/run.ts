// Executor builds compared in turns on one broker (kafka→mq, kafka→kafka, or a drained queue to either): the shared machine's speed changes from minute to minute, so each round runs every build once, one after the other.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_MAX_IN_FLIGHT } from '../../executor/run-context';
import { amqplibPublish, deleteQueue, queueDepth } from '../replay/ceilings';
import { benchFlow, runExecutor, type BenchEnd } from '../replay/executor-run';
import { benchBroker, benchKafka, createBenchTopic, deleteTopic, fillTopic } from '../replay/kafka-topic';

const USAGE = 'usage: npm run bench:compare -- [--source kafka|mq] [--target mq|kafka] [--rounds N] [--count N] [--cpu-prof DIR] [--allocations] <cli.js> <cli.js>…';
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    // mq: each build drains a queue of its own, filled before its turn by amqplib alone (`until: empty`).
    source: { type: 'string', default: 'kafka' },
    target: { type: 'string', default: 'mq' },
    rounds: { type: 'string', default: '4' },
    count: { type: 'string', default: '20000' },
    'cpu-prof': { type: 'string' },
    // Bytes allocated a message (sampled; see allocation-sampler.cjs): steadier than time on a shared machine, and slower to run.
    allocations: { type: 'boolean', default: false },
  },
});
const source = values.source;
const target = values.target;
const rounds = Number(values.rounds);
const count = Number(values.count);
const clis = positionals.map((p) => resolve(p));
if ((source !== 'mq' && source !== 'kafka') || (target !== 'mq' && target !== 'kafka') || !(rounds >= 1) || !(count >= 1) || clis.length < 1) {
  console.error(USAGE);
  process.exit(2);
}

interface Round {
  readonly rate: number;
  readonly cpuMicros: number;
  /** With --allocations: bytes allocated a message, start-up included. */
  readonly allocatedBytes?: number;
}

const SAMPLER = join(__dirname, 'allocation-sampler.cjs');

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

async function main(): Promise<void> {
  const broker = await benchBroker();
  const amqpUrl = process.env.FLOWTRACER_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
  const kafka = benchKafka(broker.brokers, 'flowtracer-bench-compare');
  const tag = `${Date.now().toString(36)}-${Math.floor(Math.random() * 0xffff).toString(16)}`;
  const topic = `bench-compare-${tag}`;
  const topics = source === 'kafka' ? [topic] : [];
  console.log(`Kafka ${broker.brokers} (${broker.origin}); ${source}→${target}, ${fmt(count)} messages of 1 KB, ${rounds} rounds of ${clis.length} builds`);
  const results = new Map<string, Round[]>(clis.map((cli) => [cli, []]));
  try {
    if (source === 'kafka') await fillTopic(kafka, topic, 4, count, 1024);
    for (let round = 1; round <= rounds; round++) {
      for (const [index, cli] of clis.entries()) {
        const name = `bench-compare-${tag}-${round}-${index}`;
        let from: BenchEnd = { topic };
        if (source === 'mq') {
          from = { queue: `${name}-src` };
          await amqplibPublish(amqpUrl, from.queue, count, 1024, DEFAULT_MAX_IN_FLIGHT);
        }
        let end: BenchEnd = { queue: name };
        if (target === 'kafka') {
          await createBenchTopic(kafka, name, 4);
          topics.push(name);
          end = { topic: name };
        }
        const dir = mkdtempSync(join(tmpdir(), 'bench-compare-'));
        const allocations = join(dir, 'allocations.json');
        const env = values.allocations ? { NODE_OPTIONS: `--require ${SAMPLER}`, FLOWTRACER_BENCH_ALLOCATIONS: allocations } : undefined;
        try {
          const f = await runExecutor({ cli, dir, brokers: broker.brokers, amqpUrl, flow: benchFlow('bench-compare', from, end), ...(values['cpu-prof'] ? { cpuProfileDir: resolve(values['cpu-prof']) } : {}), ...(env ? { env } : {}) });
          if (f.exitCode !== 0) throw new Error(`${cli} exited with ${f.exitCode}:\n${f.stderr}`);
          const arrived = target === 'kafka' ? f.delivered : await queueDepth(amqpUrl, name);
          if (f.delivered !== count || arrived !== count) throw new Error(`${cli}: expected ${count} delivered, the journal says ${f.delivered} and the target holds ${arrived}`);
          if ('queue' in from) {
            const left = await queueDepth(amqpUrl, from.queue);
            if (left !== 0) throw new Error(`${cli}: ${left} messages left in the drained ${from.queue}`);
          }
          const sampled = values.allocations ? (JSON.parse(readFileSync(allocations, 'utf8')) as { total: number; top: { where: string; bytes: number }[] }) : undefined;
          const result: Round = { rate: count / (f.transferMs / 1000), cpuMicros: (f.cpuSeconds * 1e6) / count, ...(sampled ? { allocatedBytes: sampled.total / count } : {}) };
          results.get(cli)!.push(result);
          console.log(`round ${round}, build ${index + 1}: ${fmt(result.rate)} msgs/s, ${fmt(result.cpuMicros)} µs of CPU a message${sampled ? `, ${fmt(result.allocatedBytes!)} B allocated a message` : ''}`);
          if (sampled && round === 1) for (const { where, bytes } of sampled.top) console.log(`  ${fmt(bytes / count).padStart(6)} B  ${where}`);
        } finally {
          rmSync(dir, { recursive: true, force: true });
          if (target === 'mq') await deleteQueue(amqpUrl, name).catch(() => undefined);
          if ('queue' in from) await deleteQueue(amqpUrl, from.queue).catch(() => undefined);
        }
      }
    }
  } finally {
    for (const topic of topics) await deleteTopic(kafka, topic).catch(() => undefined);
    await broker.stop();
  }
  const first = results.get(clis[0]!)!;
  console.log('');
  for (const [index, cli] of clis.entries()) {
    const runs = results.get(cli)!;
    const rate = mean(runs.map((r) => r.rate));
    const cpu = mean(runs.map((r) => r.cpuMicros));
    const bytes = values.allocations ? mean(runs.map((r) => r.allocatedBytes!)) : undefined;
    const against = index === 0 ? '' : `; ${(rate / mean(first.map((r) => r.rate))).toFixed(2)}× the rate and ${(cpu / mean(first.map((r) => r.cpuMicros))).toFixed(2)}× the CPU of build 1` +
      (bytes === undefined ? '' : `, ${(bytes / mean(first.map((r) => r.allocatedBytes!))).toFixed(3)}× its allocations`);
    const allocated = bytes === undefined ? '' : `; ${runs.map((r) => fmt(r.allocatedBytes!)).join(' / ')} B allocated a message, mean ${fmt(bytes)}`;
    console.log(`build ${index + 1} (${cli}): ${runs.map((r) => fmt(r.rate)).join(' / ')} msgs/s, mean ${fmt(rate)}; ${runs.map((r) => fmt(r.cpuMicros)).join(' / ')} µs, mean ${fmt(cpu)}${allocated}${against}`);
  }
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
