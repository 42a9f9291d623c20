// bench:kafka: kafka→kafka through the executor against Kafka's own ProducerPerformance (acks=all, idempotent) and ConsumerPerformance, same partitions and size, in the same run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Kafka } from 'kafkajs';
import { benchTable } from '../references/bench-table';
import { consumerPerformance, producerPerformance } from '../references/kafka-perf';
import { benchFlow, runExecutor } from '../replay/executor-run';
import { benchBroker, benchKafka, createBenchTopic, deleteTopic, fillTopic } from '../replay/kafka-topic';

const CLI = resolve(process.env.BENCH_KAFKA_CLI ?? resolve(__dirname, '../../dist/executor/cli.js'));
const SIZE = 1024;
const COUNT = Number(process.env.BENCH_KAFKA_COUNT ?? 100_000);
/** BENCH_KAFKA_CPU_PROF (a directory): a V8 CPU profile of each executor run (node --cpu-prof), to see where its time goes. */
const CPU_PROFILE_DIR = process.env.BENCH_KAFKA_CPU_PROF;
const PARTITIONS = 4;
const TARGET = 0.8;

async function records(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
  } finally {
    await admin.disconnect();
  }
}

async function main(): Promise<void> {
  const broker = await benchBroker();
  const amqpUrl = process.env.FLOWTRACER_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
  const tag = `${Date.now().toString(36)}-${Math.floor(Math.random() * 0xffff).toString(16)}`;
  const kafka = benchKafka(broker.brokers, 'flowtracer-bench-kafka');
  const dir = mkdtempSync(join(tmpdir(), 'bench-kafka-'));
  const topics: string[] = [];
  const topic = async (label: string): Promise<string> => {
    const name = `bench-kafka-${label}-${tag}`;
    topics.push(name);
    await createBenchTopic(kafka, name, PARTITIONS);
    return name;
  };
  console.log(`Kafka ${broker.brokers} (${broker.origin}); ${PARTITIONS} partitions, ${SIZE}-byte messages, acks=all, idempotent producers`);
  try {
    const source = `bench-kafka-src-${tag}`;
    topics.push(source);
    await fillTopic(kafka, source, PARTITIONS, COUNT, SIZE);
    console.log(`filled ${source} with ${COUNT.toLocaleString('en-US')} messages`);
    // The machine is shared: ProducerPerformance runs before and after FlowTracer, and the better one counts.
    const producer = async (when: string): Promise<number> => {
      console.log(`Kafka ProducerPerformance (${when}): ${COUNT.toLocaleString('en-US')} records, acks=all, enable.idempotence=true…`);
      return producerPerformance(broker.brokers, await topic(`producer-perf-${when}`), COUNT, SIZE);
    };
    const before = await producer('before');
    const target = await topic('ft-dst');
    console.log(`FlowTracer kafka→kafka: ${source} → ${target}…`);
    const flow = await runExecutor({ cli: CLI, dir, brokers: broker.brokers, amqpUrl, flow: benchFlow('bench-kafka', { topic: source }, { topic: target }), ...(CPU_PROFILE_DIR ? { cpuProfileDir: CPU_PROFILE_DIR } : {}) });
    if (flow.exitCode !== 0) throw new Error(`FlowTracer kafka→kafka exited with ${flow.exitCode}:\n${flow.stderr}`);
    const written = await records(kafka, target);
    if (flow.delivered !== COUNT || written !== COUNT) throw new Error(`FlowTracer kafka→kafka: expected ${COUNT} delivered, the journal says ${flow.delivered} and ${target} holds ${written}`);
    const after = await producer('after');
    console.log(`Kafka ConsumerPerformance: ${source}, fresh group…`);
    const consumer = await consumerPerformance(broker.brokers, source, COUNT);

    const rate = COUNT / (flow.transferMs / 1000);
    benchTable([
      { label: 'Kafka ProducerPerformance, before', messages: COUNT, rate: before },
      { label: 'Kafka ProducerPerformance, after', messages: COUNT, rate: after },
      { label: 'Kafka ConsumerPerformance (fetch)', messages: COUNT, rate: consumer },
      { label: 'FlowTracer kafka→kafka, messages moving', messages: COUNT, seconds: flow.transferMs / 1000, rate, rssMb: flow.peakRssMb },
      { label: 'FlowTracer kafka→kafka, whole CLI process', messages: COUNT, seconds: flow.wallMs / 1000, rate: COUNT / (flow.wallMs / 1000), cpuSeconds: flow.cpuSeconds },
    ], [{ what: 'FlowTracer kafka→kafka / Kafka ProducerPerformance (the better of before and after)', ratio: rate / Math.max(before, after), target: TARGET }]);
    console.log(`CPU: ${Math.round((flow.cpuSeconds / COUNT) * 1e6)} µs a message; journal ${Math.round((flow.journalMb * 1024 * 1024) / COUNT)} B a message`);
  } finally {
    for (const name of topics) await deleteTopic(kafka, name).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    await broker.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
