// Test-side clients of the real brokers: seed a Kafka topic, read it back, drain and fill RabbitMQ queues.
import * as amqp from 'amqplib';
import { Kafka, logLevel } from 'kafkajs';
import { createTopic } from '../../support/kafka-topics';

export const kafkaBrokers = (): string => process.env.FLOWTRACER_TEST_KAFKA_BROKERS!;
export const amqpUrl = (): string => process.env.FLOWTRACER_TEST_AMQP_URL!;

function kafka(): Kafka {
  return new Kafka({ clientId: 'flowtracer-test', brokers: kafkaBrokers().split(','), logLevel: logLevel.NOTHING });
}

export async function produce(topic: string, messages: readonly { key: string; value: unknown }[]): Promise<void> {
  const admin = kafka().admin();
  await admin.connect();
  await createTopic(admin, { topic, numPartitions: 2 });
  await admin.disconnect();
  const producer = kafka().producer();
  await producer.connect();
  for (let i = 0; i < messages.length; i += 1000) {
    await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 1000).map((m) => ({ key: m.key, value: JSON.stringify(m.value) })) });
  }
  await producer.disconnect();
}

export interface Transaction {
  readonly outcome: 'commit' | 'abort';
  readonly messages: readonly { readonly key: string; readonly value: unknown; readonly partition: number }[];
}

/**
 * Writes each transaction with a transactional producer (idempotent, one request in flight) and
 * commits or aborts it: every partition it wrote to gets a commit or abort marker, which takes an
 * offset. Resolves once the markers are written (the last stable offset is the log end).
 */
export async function produceTransactions(topic: string, transactions: readonly Transaction[]): Promise<void> {
  const admin = kafka().admin();
  await admin.connect();
  const stable = async () => (await admin.fetchTopicOffsets(topic)).reduce((n, m) => n + Number(m.high), 0);
  const producer = kafka().producer({ transactionalId: `ft-test-${topic}`, idempotent: true, maxInFlightRequests: 1 });
  try {
    let expected = await stable();
    await producer.connect();
    for (const t of transactions) {
      const transaction = await producer.transaction();
      await transaction.send({ topic, acks: -1, messages: t.messages.map((m) => ({ key: m.key, value: JSON.stringify(m.value), partition: m.partition })) });
      if (t.outcome === 'commit') await transaction.commit();
      else await transaction.abort();
      expected += t.messages.length + new Set(t.messages.map((m) => m.partition)).size;
    }
    // The coordinator writes the markers after it answered: until then the last stable offset (what
    // fetchTopicOffsets returns, READ_COMMITTED) stays behind.
    while ((await stable()) < expected) await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    await producer.disconnect();
    await admin.disconnect();
  }
}

/** Creates a topic with one partition per list and writes each list into its partition, in order: message i of list p is at offset i of partition p. */
export async function producePartitions(topic: string, partitions: readonly (readonly { key: string; value: unknown }[])[]): Promise<void> {
  const admin = kafka().admin();
  await admin.connect();
  await createTopic(admin, { topic, numPartitions: partitions.length });
  await admin.disconnect();
  const producer = kafka().producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  for (const [partition, messages] of partitions.entries()) {
    await producer.send({ topic, acks: -1, messages: messages.map((m) => ({ partition, key: m.key, value: JSON.stringify(m.value) })) });
  }
  await producer.disconnect();
}

/** Every message of a topic from the earliest offset to the current end. */
export async function readTopic(topic: string): Promise<{ key: string | null; value: unknown; headers: Record<string, string> }[]> {
  const admin = kafka().admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const total = offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
  const out: { key: string | null; value: unknown; headers: Record<string, string> }[] = [];
  if (total === 0) return out;
  const consumer = kafka().consumer({ groupId: `reader-${topic}-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: ({ message }) => {
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
        out.push({ key: message.key?.toString() ?? null, value: JSON.parse(message.value!.toString()) as unknown, headers });
        if (out.length >= total) resolve();
        return Promise.resolve();
      },
    });
  });
  await consumer.disconnect();
  return out;
}

/**
 * Every message of a topic with its partition and offset, read as a consumer reads it (committed
 * transactions only): up to where each partition's fetch reached the end it had when asked.
 */
export async function readOffsets(topic: string): Promise<{ partition: number; offset: bigint; key: string | null; value: unknown }[]> {
  const admin = kafka().admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(topic)).filter((o) => o.high !== o.low).map((o) => [o.partition, BigInt(o.high)]));
  await admin.disconnect();
  const out: { partition: number; offset: bigint; key: string | null; value: unknown }[] = [];
  if (ends.size === 0) return out;
  const consumer = kafka().consumer({ groupId: `offsets-${topic}-${Date.now()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: ({ batch }) => {
        for (const m of batch.messages) out.push({ partition: batch.partition, offset: BigInt(m.offset), key: m.key?.toString() ?? null, value: JSON.parse(m.value!.toString()) as unknown });
        if (BigInt(batch.lastOffset()) + 1n >= (ends.get(batch.partition) ?? 0n)) ends.delete(batch.partition);
        if (ends.size === 0) resolve();
        return Promise.resolve();
      },
    });
  });
  await consumer.disconnect();
  return out.sort((a, b) => a.partition - b.partition || Number(a.offset - b.offset));
}

/** Removes and returns every message of a queue (polls until `basic.get` finds it empty). */
export async function drainQueue(queue: string): Promise<{ key: string | null; value: unknown; headers: Record<string, unknown> }[]> {
  const connection = await amqp.connect(amqpUrl());
  const channel = await connection.createChannel();
  await channel.assertQueue(queue, { durable: true });
  const out: { key: string | null; value: unknown; headers: Record<string, unknown> }[] = [];
  for (;;) {
    const message = await channel.get(queue, { noAck: true });
    if (!message) break;
    out.push({ key: (message.properties.messageId as string | undefined) ?? null, value: JSON.parse(message.content.toString()) as unknown, headers: (message.properties.headers ?? {}) as Record<string, unknown> });
  }
  await connection.close();
  return out;
}

export async function fillQueue(queue: string, messages: readonly { key: string; value: unknown; headers?: Readonly<Record<string, string>> }[]): Promise<void> {
  const connection = await amqp.connect(amqpUrl());
  const channel = await connection.createConfirmChannel();
  await channel.assertQueue(queue, { durable: true });
  await channel.purgeQueue(queue);
  for (const m of messages) channel.sendToQueue(queue, Buffer.from(JSON.stringify(m.value)), { messageId: m.key, persistent: true, ...(m.headers ? { headers: m.headers } : {}) });
  await channel.waitForConfirms();
  await connection.close();
}

export async function deleteQueue(queue: string): Promise<void> {
  const connection = await amqp.connect(amqpUrl());
  const channel = await connection.createChannel();
  await channel.deleteQueue(queue);
  await connection.close();
}

/** Watches how many messages a queue holds (one connection, polled by the caller); close when done. */
export async function queueDepthProbe(queue: string): Promise<{ depth(): Promise<number>; close(): Promise<void> }> {
  const connection = await amqp.connect(amqpUrl());
  const channel = await connection.createChannel();
  return {
    depth: async () => (await channel.checkQueue(queue)).messageCount,
    close: () => connection.close(),
  };
}
