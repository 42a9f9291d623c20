// bench:replay: 100,000 × 1 KB Kafka→MQ through the executor against the clients alone, RabbitMQ PerfTest, Kafka's ConsumerPerformance and an Apache Camel route, in the same run; 1,000,000 for memory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_MAX_IN_FLIGHT } from '../../executor/run-context';
import { amqplibPublish, deleteQueue, kafkajsConsume, perSecond, queueDepth, TRACEPARENT_LIKE, type Rate } from './ceilings';
import { benchFlow, runExecutor, type ExecutorFigures } from './executor-run';
import { benchBroker, benchKafka, deleteTopic, fillTopic } from './kafka-topic';
import { camelKafkaToQueue } from '../references/camel';
import { consumerPerformance } from '../references/kafka-perf';
import { perfTestPublish } from '../references/perf-test';
import amqp from 'amqplib';

async function declareQueue(url: string, queue: string): Promise<void> {
  const connection = await amqp.connect(url);
  try {
    await (await connection.createChannel()).assertQueue(queue, { durable: true });
  } finally {
    await connection.close();
  }
}
import { stopZipkin, zipkinServer } from '../../test/support/zipkin-server';
import { dropSchema } from './store-schema';

/** BENCH_REPLAY_CLI runs another build of the executor (e.g. of an earlier commit) for a before/after comparison. */
const CLI = resolve(process.env.BENCH_REPLAY_CLI ?? resolve(__dirname, '../../dist/executor/cli.js'));
const SIZE = 1024;
const COUNT = Number(process.env.BENCH_REPLAY_COUNT ?? 100_000);
const LARGE_COUNT = Number(process.env.BENCH_REPLAY_LARGE_COUNT ?? 1_000_000);
const PARTITIONS = Number(process.env.BENCH_REPLAY_PARTITIONS ?? 4);
const TARGET_RATIO = 0.8;
const TARGET_PERF_TEST = 0.9;
const TARGET_CAMEL = 3;
const TARGET_LARGE_RSS_MB = 250;

const args = process.argv.slice(2);
const large = args.includes('--large') || process.env.BENCH_REPLAY_LARGE === '1';
/** Also a run exporting its spans (OTEL_TRACES_EXPORTER=zipkin) to a real Zipkin started here, against the untraced run. */
const traced = args.includes('--traced') || process.env.BENCH_REPLAY_TRACED === '1';
const cpuProfileDir = args.includes('--cpu-prof') ? resolve(args[args.indexOf('--cpu-prof') + 1] ?? 'bench-replay-profiles') : process.env.BENCH_REPLAY_CPU_PROF;

const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const row = (cells: string[]): string => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(46) : c.padStart(10))).join(' | ')} |`;

/** BENCH_REPLAY_STORE (a postgres:// URL): the same run once more with the PostgreSQL run store, against the folder. */
const STORE = process.env.BENCH_REPLAY_STORE;

async function executorRun(label: string, count: number, ctx: { dir: string; brokers: string; amqpUrl: string; tag: string }, topic: string, options: { readonly env?: Readonly<Record<string, string>>; readonly runsStore?: string } = {}): Promise<ExecutorFigures> {
  const { env, runsStore } = options;
  const queue = `bench-replay-${label}-${ctx.tag}`;
  const dir = mkdtempSync(join(ctx.dir, `${label}-`));
  try {
    console.log(`FlowTracer: ${fmt(count)} messages ${topic} → queue ${queue} (${CLI})…`);
    const figures = await runExecutor({ cli: CLI, dir, brokers: ctx.brokers, amqpUrl: ctx.amqpUrl, flow: benchFlow('bench-replay', { topic }, { queue }), ...(cpuProfileDir ? { cpuProfileDir } : {}), ...(env ? { env } : {}), ...(runsStore ? { runsStore } : {}) });
    if (env && /tracing: \d+ spans? could not be exported/.test(figures.stderr)) console.log(figures.stderr.split('\n').find((l) => l.includes('tracing:')));
    const depth = await queueDepth(ctx.amqpUrl, queue);
    if (figures.exitCode !== 0) throw new Error(`the executor exited with ${figures.exitCode}:\n${figures.stderr}`);
    if (figures.delivered !== count || depth !== count) throw new Error(`expected ${count} delivered, the journal says ${figures.delivered} and the queue holds ${depth}`);
    return figures;
  } finally {
    await deleteQueue(ctx.amqpUrl, queue).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const broker = await benchBroker();
  const amqpUrl = process.env.FLOWTRACER_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
  const tag = `${Date.now().toString(36)}-${Math.floor(Math.random() * 0xffff).toString(16)}`;
  const kafka = benchKafka(broker.brokers, 'flowtracer-bench-replay');
  const dir = mkdtempSync(join(tmpdir(), 'bench-replay-'));
  const ctx = { dir, brokers: broker.brokers, amqpUrl, tag };
  const topics: string[] = [];
  console.log(`Kafka ${broker.brokers} (${broker.origin}); RabbitMQ ${amqpUrl.replace(/:[^:@/]*@/, ':***@')}; ${PARTITIONS} partitions, ${SIZE}-byte messages, ${DEFAULT_MAX_IN_FLIGHT} in flight`);
  try {
    const topic = `bench-replay-${tag}`;
    topics.push(topic);
    let start = performance.now();
    await fillTopic(kafka, topic, PARTITIONS, COUNT, SIZE);
    const fillMs = performance.now() - start;
    console.log(`filled ${topic} with ${fmt(COUNT)} messages in ${fmt(fillMs / 1000, 1)} s (${fmt(COUNT / (fillMs / 1000))} msgs/s)`);

    // The machine is shared: each ceiling is measured before and after FlowTracer, and the better one counts.
    const ceilingQueue = `bench-replay-ceiling-${tag}`;
    const ceilings = async (when: string): Promise<{ consume: Rate; publish: Rate }> => {
      console.log(`ceilings (${when}): kafkajs alone, eachBatch, fresh group; amqplib alone, ConfirmChannel, ${DEFAULT_MAX_IN_FLIGHT} unconfirmed…`);
      const consume = await kafkajsConsume(kafka, topic, COUNT);
      try {
        return { consume, publish: await amqplibPublish(amqpUrl, `${ceilingQueue}-${when}`, COUNT, SIZE, DEFAULT_MAX_IN_FLIGHT) };
      } finally {
        await deleteQueue(amqpUrl, `${ceilingQueue}-${when}`).catch(() => undefined);
      }
    };
    const before = await ceilings('before');
    const small = await executorRun('100k', COUNT, ctx, topic);
    let spans: { figures: ExecutorFigures; zipkin: string } | undefined;
    if (traced) {
      const zipkin = await zipkinServer();
      console.log(`Zipkin ${zipkin.url} (started here, in-memory)`);
      spans = { zipkin: zipkin.url, figures: await executorRun('100k-traced', COUNT, ctx, topic, { env: { OTEL_TRACES_EXPORTER: 'zipkin', OTEL_EXPORTER_ZIPKIN_ENDPOINT: `${zipkin.url}/api/v2/spans` } }) };
      await stopZipkin();
    }
    const after = await ceilings('after');
    const best = (a: Rate, b: Rate): Rate => (perSecond(a) >= perSecond(b) ? a : b);
    const consume = best(before.consume, after.consume);
    const publish = best(before.publish, after.publish);

    // The Java references, after: each fails the benchmark, named, if it cannot run.
    const perfTestQueue = `bench-replay-perftest-${tag}`;
    const perfTestLikeQueue = `bench-replay-perftest-like-${tag}`;
    const camelQueue = `bench-replay-camel-${tag}`;
    let perfTest: number;
    let perfTestLike: number;
    let camel: Rate;
    let kafkaConsumer: number;
    try {
      await declareQueue(amqpUrl, perfTestQueue);
      console.log(`RabbitMQ PerfTest: 1 producer, ${DEFAULT_MAX_IN_FLIGHT} unconfirmed, persistent, ${SIZE} bytes, ${fmt(COUNT)} messages…`);
      perfTest = await perfTestPublish(amqpUrl, perfTestQueue, COUNT, SIZE, DEFAULT_MAX_IN_FLIGHT);
      // The same again with what FlowTracer puts on each message: the broker's work a message is then the same as for the executor's.
      await declareQueue(amqpUrl, perfTestLikeQueue);
      console.log('RabbitMQ PerfTest again, each message with a traceparent header, a message id and the mandatory flag, as FlowTracer publishes…');
      perfTestLike = await perfTestPublish(amqpUrl, perfTestLikeQueue, COUNT, SIZE, DEFAULT_MAX_IN_FLIGHT, { traceparent: TRACEPARENT_LIKE, messageId: 'k1' });
      console.log(`Kafka ConsumerPerformance: ${topic}, fresh group…`);
      kafkaConsumer = await consumerPerformance(broker.brokers, topic, COUNT);
      await declareQueue(amqpUrl, camelQueue);
      console.log(`Apache Camel: kafka:${topic} → spring-rabbitmq (confirm=enabled) → ${camelQueue}…`);
      camel = await camelKafkaToQueue(broker.brokers, topic, amqpUrl, camelQueue, COUNT);
    } finally {
      for (const q of [perfTestQueue, perfTestLikeQueue, camelQueue]) await deleteQueue(amqpUrl, q).catch(() => undefined);
    }

    const flowRate = COUNT / (small.transferMs / 1000);
    const lower = Math.min(perSecond(consume), perSecond(publish));
    const ratio = flowRate / lower;
    const executorRows = (label: string, count: number, f: ExecutorFigures): void => {
      console.log(row([`FlowTracer kafka→mq ${label}, messages moving`, fmt(count), fmt(f.transferMs / 1000, 2), fmt(count / (f.transferMs / 1000)), `${fmt(f.peakRssMb)} MB`, '']));
      console.log(row([`FlowTracer kafka→mq ${label}, whole CLI process`, fmt(count), fmt(f.wallMs / 1000, 2), fmt(count / (f.wallMs / 1000)), '', fmt(f.cpuSeconds, 1)]));
    };
    console.log('');
    console.log(row(['measurement', 'messages', 'seconds', 'msgs/s', 'peak RSS', 'CPU s']));
    console.log(row(['-'.repeat(46), ...Array.from({ length: 5 }, () => '-'.repeat(10))]));
    const rateRow = (label: string, rate: Rate): void => console.log(row([label, fmt(rate.messages), fmt(rate.ms / 1000, 2), fmt(perSecond(rate)), '', '']));
    rateRow('ceiling 1: kafkajs alone consuming, before', before.consume);
    rateRow('ceiling 1: kafkajs alone consuming, after', after.consume);
    rateRow('ceiling 2: amqplib alone publishing, before', before.publish);
    rateRow('ceiling 2: amqplib alone publishing, after', after.publish);
    console.log(row(['RabbitMQ PerfTest publishing (same confirms)', fmt(COUNT), '', fmt(perfTest), '', '']));
    console.log(row(['RabbitMQ PerfTest, FlowTracer\'s properties', fmt(COUNT), '', fmt(perfTestLike), '', '']));
    console.log(row(['Kafka ConsumerPerformance (fetch)', fmt(COUNT), '', fmt(kafkaConsumer), '', '']));
    rateRow('Apache Camel kafka→spring-rabbitmq, confirms', camel);
    executorRows(fmt(COUNT), COUNT, small);
    if (spans) executorRows(`${fmt(COUNT)}, spans to Zipkin`, COUNT, spans.figures);
    console.log('');
    console.log(`ratio FlowTracer (messages moving) / RabbitMQ PerfTest publishing: ${fmt(flowRate / perfTest, 2)}× — target ≥ ${TARGET_PERF_TEST}×: ${flowRate / perfTest >= TARGET_PERF_TEST ? 'met' : 'NOT met'}`);
    console.log(`ratio FlowTracer (messages moving) / RabbitMQ PerfTest publishing messages like FlowTracer's: ${fmt(flowRate / perfTestLike, 2)}× — target ≥ ${TARGET_PERF_TEST}×: ${flowRate / perfTestLike >= TARGET_PERF_TEST ? 'met' : 'NOT met'}`);
    console.log(`ratio FlowTracer (messages moving) / Apache Camel: ${fmt(flowRate / perSecond(camel), 2)}× — target ≥ ${TARGET_CAMEL}×: ${flowRate / perSecond(camel) >= TARGET_CAMEL ? 'met' : 'NOT met'}`);
    console.log(`CPU: ${fmt((small.cpuSeconds / COUNT) * 1e6)} µs a message (whole process; target ≤ 60); journal ${fmt((small.journalMb * 1024 * 1024) / COUNT)} B a message (target ≤ 64)`);
    console.log('(2 cores shared with other work: one run; every reference measured in this run)');
    console.log(`ratio FlowTracer (messages moving) / lower ceiling (${perSecond(consume) <= perSecond(publish) ? 'kafkajs' : 'amqplib'}, the better of before and after, ${fmt(lower)} msgs/s): ${fmt(ratio * 100, 1)}% — target ${TARGET_RATIO * 100}%: ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'}`);
    console.log(`journal: ${fmt(small.journalMb)} MB for ${fmt(COUNT)} messages; peak RSS ${fmt(small.peakRssMb)} MB`);
    if (spans) {
      const cost = 1 - small.transferMs / spans.figures.transferMs;
      console.log(`tracing: exporting ${fmt(2 * COUNT)} spans to Zipkin ${spans.zipkin} costs ${fmt(cost * 100, 1)}% of the untraced rate (${fmt(COUNT / (spans.figures.transferMs / 1000))} vs ${fmt(flowRate)} msgs/s)`);
    } else console.log('(a run exporting its spans to Zipkin, against this one: BENCH_REPLAY_TRACED=1 or --traced)');
    if (STORE) {
      const schema = `bench_replay_${tag.replace(/-/g, '_')}`;
      const stored = await executorRun('100k-store', COUNT, ctx, topic, { runsStore: `${STORE}${STORE.includes('?') ? '&' : '?'}schema=${schema}` });
      console.log('');
      executorRows('100k PG store', COUNT, stored);
      console.log(`run store vs runs folder (messages moving): ${fmt(COUNT / (stored.transferMs / 1000))} vs ${fmt(flowRate)} msgs/s (${fmt((COUNT / (stored.transferMs / 1000) / flowRate) * 100, 1)}%); journal records ${fmt(stored.journalMb)} MB in schema ${schema} (dropped)`);
      await dropSchema(STORE, schema);
    }

    if (large) {
      const largeTopic = `bench-replay-large-${tag}`;
      topics.push(largeTopic);
      start = performance.now();
      console.log('');
      await fillTopic(kafka, largeTopic, PARTITIONS, LARGE_COUNT, SIZE);
      console.log(`filled ${largeTopic} with ${fmt(LARGE_COUNT)} messages in ${fmt((performance.now() - start) / 1000, 1)} s`);
      const big = await executorRun('1m', LARGE_COUNT, ctx, largeTopic);
      console.log('');
      executorRows('1M', LARGE_COUNT, big);
      console.log(`journal: ${fmt(big.journalMb)} MB for ${fmt(LARGE_COUNT)} messages`);
      console.log(`peak RSS: ${fmt(small.peakRssMb)} MB at ${fmt(COUNT)} vs ${fmt(big.peakRssMb)} MB at ${fmt(LARGE_COUNT)} — target under ${TARGET_LARGE_RSS_MB} MB: ${big.peakRssMb < TARGET_LARGE_RSS_MB ? 'met' : 'NOT met'}`);
    } else {
      console.log(`(the ${fmt(LARGE_COUNT)}-message memory run: BENCH_REPLAY_LARGE=1 or --large)`);
    }
    if (cpuProfileDir) console.log(`CPU profiles of the executor: ${cpuProfileDir}`);
  } finally {
    for (const topic of topics) await deleteTopic(kafka, topic).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    await broker.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
