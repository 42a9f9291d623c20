// The benchmark's Kafka side: the broker (shared, or one started from test/support), a topic filled with keyed 1 KB messages.
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { ensureKafkaJars, DEFAULT_KAFKA_VERSION } from '../../test/support/kafka-jars';
import { startKafkaBroker } from '../../test/support/kafka-broker';

export interface BenchBroker {
  readonly brokers: string;
  /** Where it came from, for the printed header. */
  readonly origin: string;
  stop(): Promise<void>;
}

/** FLOWTRACER_TEST_KAFKA_BROKERS when set; otherwise a broker of its own, stopped at the end. */
export async function benchBroker(): Promise<BenchBroker> {
  const external = process.env.FLOWTRACER_TEST_KAFKA_BROKERS;
  if (external) return { brokers: external, origin: 'FLOWTRACER_TEST_KAFKA_BROKERS', stop: async () => undefined };
  const version = process.env.KAFKA_VERSION ?? DEFAULT_KAFKA_VERSION;
  const broker = await startKafkaBroker(version, await ensureKafkaJars(version));
  return { brokers: broker.brokers, origin: `started here (Kafka ${version})`, stop: () => broker.stop() };
}

export function benchKafka(brokers: string, clientId: string): Kafka {
  return new Kafka({ clientId, brokers: brokers.split(','), logLevel: logLevel.NOTHING });
}

/** A payload of exactly `size` bytes: JSON with its index, padded. */
export function payload(index: number, size: number): Buffer {
  const head = `{"i":${index},"body":"`;
  return Buffer.from(`${head}${'x'.repeat(Math.max(0, size - head.length - 2))}"}`);
}

/** One produce request per chunk; each partition's share stays well under the broker's 1 MB batch limit. */
const CHUNK = 2000;
const CONCURRENT_REQUESTS = 6;

export async function createBenchTopic(kafka: Kafka, topic: string, partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** Creates `topic` and fills it with `count` keyed messages (`k0`, `k1`…) of `size` bytes. */
export async function fillTopic(kafka: Kafka, topic: string, partitions: number, count: number, size: number): Promise<void> {
  await createBenchTopic(kafka, topic, partitions);
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    let next = 0;
    const worker = async (p: Producer): Promise<void> => {
      while (next < count) {
        const start = next;
        next = Math.min(count, next + CHUNK);
        const messages = [];
        for (let i = start; i < next; i++) messages.push({ key: `k${i}`, value: payload(i, size) });
        await p.send({ topic, acks: -1, messages });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENT_REQUESTS }, () => worker(producer)));
  } finally {
    await producer.disconnect();
  }
}

export async function deleteTopic(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [topic] });
  } finally {
    await admin.disconnect();
  }
}
