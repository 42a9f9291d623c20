// bench:drain: draining a RabbitMQ queue (`until: empty`) through the executor, mq→mq against RabbitMQ's Shovel and mq→kafka against PerfTest consuming and Kafka's ProducerPerformance writing (the two halves of mq→kafka, each at its own tool's ceiling), in the same run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_MAX_IN_FLIGHT } from '../../executor/run-context';
import { componentDefaults } from '../../flow/schema';
import { producerPerformance } from '../references/kafka-perf';
import { perfTestConsume } from '../references/perf-test';
import { enableShovel, shovelQueue } from '../references/shovel';
import { benchTable, type BenchRow } from '../references/bench-table';
import { amqplibPublish, deleteQueue, perSecond, queueDepth, type Rate } from '../replay/ceilings';
import { benchFlow, runExecutor, type BenchEnd, type ExecutorFigures } from '../replay/executor-run';
import { benchBroker, benchKafka, createBenchTopic, deleteTopic } from '../replay/kafka-topic';
import amqp from 'amqplib';

const CLI = resolve(process.env.BENCH_DRAIN_CLI ?? resolve(__dirname, '../../dist/executor/cli.js'));
const SIZE = 1024;
const COUNT = Number(process.env.BENCH_DRAIN_COUNT ?? 100_000);
/** BENCH_DRAIN_CPU_PROF (a directory): a V8 CPU profile of each executor run (node --cpu-prof), to see where its time goes. */
const CPU_PROFILE_DIR = process.env.BENCH_DRAIN_CPU_PROF;
const PARTITIONS = 4;
/** The mq component's default prefetch (the schema's): PerfTest consumes with the same. */
const PREFETCH = componentDefaults('mq').prefetch as number;

async function declare(url: string, queue: string): Promise<void> {
  const connection = await amqp.connect(url);
  try {
    await (await connection.createChannel()).assertQueue(queue, { durable: true });
  } finally {
    await connection.close();
  }
}

async function main(): Promise<void> {
  const broker = await benchBroker();
  const amqpUrl = process.env.FLOWTRACER_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
  const tag = `${Date.now().toString(36)}-${Math.floor(Math.random() * 0xffff).toString(16)}`;
  const kafka = benchKafka(broker.brokers, 'flowtracer-bench-drain');
  const dir = mkdtempSync(join(tmpdir(), 'bench-drain-'));
  const queues: string[] = [];
  const topics: string[] = [];
  const queue = (label: string): string => {
    queues.push(`bench-drain-${label}-${tag}`);
    return queues.at(-1)!;
  };
  const topic = async (label: string): Promise<string> => {
    topics.push(`bench-drain-${label}-${tag}`);
    await createBenchTopic(kafka, topics.at(-1)!, PARTITIONS);
    return topics.at(-1)!;
  };
  /** A queue filled with COUNT persistent 1 KB messages by amqplib alone (confirms, 256 in flight): also a figure of the broker. */
  const filled = async (label: string): Promise<{ name: string; fill: Rate }> => {
    const name = queue(label);
    const fill = await amqplibPublish(amqpUrl, name, COUNT, SIZE, DEFAULT_MAX_IN_FLIGHT);
    console.log(`filled ${name} with ${COUNT.toLocaleString('en-US')} messages (${Math.round(perSecond(fill))} msgs/s)`);
    return { name, fill };
  };
  const flowTracer = async (label: string, source: string, target: BenchEnd): Promise<ExecutorFigures> => {
    console.log(`FlowTracer ${label}: ${COUNT.toLocaleString('en-US')} messages ${source} → ${'queue' in target ? target.queue : target.topic}…`);
    const runDir = mkdtempSync(join(dir, 'run-'));
    const figures = await runExecutor({ cli: CLI, dir: runDir, brokers: broker.brokers, amqpUrl, flow: benchFlow(`bench-drain-${'queue' in target ? 'mq' : 'kafka'}`, { queue: source }, target), ...(CPU_PROFILE_DIR ? { cpuProfileDir: CPU_PROFILE_DIR } : {}) });
    if (figures.exitCode !== 0) throw new Error(`FlowTracer ${label} exited with ${figures.exitCode}:\n${figures.stderr}`);
    const left = await queueDepth(amqpUrl, source);
    if (figures.delivered !== COUNT || left !== 0) throw new Error(`FlowTracer ${label}: expected ${COUNT} delivered and the source empty, the journal says ${figures.delivered} and ${left} are left`);
    return figures;
  };
  console.log(`Kafka ${broker.brokers} (${broker.origin}); RabbitMQ ${amqpUrl.replace(/:[^:@/]*@/, ':***@')}; ${SIZE}-byte persistent messages, prefetch ${PREFETCH}, ${DEFAULT_MAX_IN_FLIGHT} in flight`);
  try {
    await enableShovel();
    // The machine is shared: Shovel runs before and after FlowTracer, and the better one counts.
    const shovel = async (when: string): Promise<Rate> => {
      const source = await filled(`shovel-${when}-src`);
      const target = queue(`shovel-${when}-dst`);
      await declare(amqpUrl, target);
      console.log(`RabbitMQ Shovel (${when}): ${source.name} → ${target}, ack-mode on-confirm, src-delete-after queue-length…`);
      const rate = await shovelQueue(amqpUrl, source.name, target, COUNT);
      console.log(`  ${Math.round(perSecond(rate))} msgs/s`);
      const left = await queueDepth(amqpUrl, source.name);
      if (left !== 0) throw new Error(`reference RabbitMQ Shovel left ${left} messages in ${source.name}`);
      return rate;
    };
    const shovelBefore = await shovel('before');
    const mqSource = await filled('ft-src');
    const mqToMq = await flowTracer('mq→mq', mqSource.name, { queue: queue('ft-dst') });
    const shovelAfter = await shovel('after');

    const kafkaSource = await filled('ft-kafka-src');
    const mqToKafka = await flowTracer('mq→kafka', kafkaSource.name, { topic: await topic('ft-dst') });
    const consumed = await filled('perftest');
    console.log(`RabbitMQ PerfTest: 1 consumer, manual acks, qos ${PREFETCH}, ${COUNT.toLocaleString('en-US')} messages…`);
    const perfTest = await perfTestConsume(amqpUrl, consumed.name, COUNT, PREFETCH);
    // mq→kafka cannot move faster than Kafka accepts writes: Kafka's own producer, same partitions, size and acks, is that half's ceiling.
    const producerTopic = await topic('producer-perf');
    console.log(`Kafka ProducerPerformance: ${COUNT.toLocaleString('en-US')} records to ${producerTopic} (${PARTITIONS} partitions, acks=all, idempotent)…`);
    const producerPerf = await producerPerformance(broker.brokers, producerTopic, COUNT, SIZE);

    const shovelBest = Math.max(perSecond(shovelBefore), perSecond(shovelAfter));
    const mqToMqRate = COUNT / (mqToMq.transferMs / 1000);
    const mqToKafkaRate = COUNT / (mqToKafka.transferMs / 1000);
    const rows: BenchRow[] = [
      { label: 'amqplib alone publishing (the fills), best', messages: COUNT, rate: Math.max(...[mqSource, kafkaSource, consumed].map((f) => perSecond(f.fill))) },
      { label: 'RabbitMQ Shovel queue→queue, before', messages: shovelBefore.messages, seconds: shovelBefore.ms / 1000, rate: perSecond(shovelBefore) },
      { label: 'RabbitMQ Shovel queue→queue, after', messages: shovelAfter.messages, seconds: shovelAfter.ms / 1000, rate: perSecond(shovelAfter) },
      { label: 'FlowTracer mq→mq until: empty, moving', messages: COUNT, seconds: mqToMq.transferMs / 1000, rate: mqToMqRate, rssMb: mqToMq.peakRssMb },
      { label: 'FlowTracer mq→mq, whole CLI process', messages: COUNT, seconds: mqToMq.wallMs / 1000, rate: COUNT / (mqToMq.wallMs / 1000), cpuSeconds: mqToMq.cpuSeconds },
      { label: `RabbitMQ PerfTest consuming (qos ${PREFETCH})`, messages: COUNT, rate: perfTest },
      { label: 'Kafka ProducerPerformance (acks=all, idempotent)', messages: COUNT, rate: producerPerf },
      { label: 'FlowTracer mq→kafka until: empty, moving', messages: COUNT, seconds: mqToKafka.transferMs / 1000, rate: mqToKafkaRate, rssMb: mqToKafka.peakRssMb },
      { label: 'FlowTracer mq→kafka, whole CLI process', messages: COUNT, seconds: mqToKafka.wallMs / 1000, rate: COUNT / (mqToKafka.wallMs / 1000), cpuSeconds: mqToKafka.cpuSeconds },
    ];
    benchTable(rows, [
      { what: 'FlowTracer mq→mq / RabbitMQ Shovel (the better of before and after)', ratio: mqToMqRate / shovelBest, target: 1.0 },
      { what: 'FlowTracer mq→kafka / RabbitMQ PerfTest consuming', ratio: mqToKafkaRate / perfTest, target: 0.8 },
      { what: 'FlowTracer mq→kafka / Kafka ProducerPerformance (the ceiling of its Kafka half)', ratio: mqToKafkaRate / producerPerf },
    ]);
    console.log(`CPU: mq→mq ${Math.round((mqToMq.cpuSeconds / COUNT) * 1e6)} µs a message, mq→kafka ${Math.round((mqToKafka.cpuSeconds / COUNT) * 1e6)} µs; journal ${Math.round((mqToMq.journalMb * 1024 * 1024) / COUNT)} B a message`);
  } finally {
    for (const name of queues) await deleteQueue(amqpUrl, name).catch(() => undefined);
    for (const name of topics) await deleteTopic(kafka, name).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    await broker.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
