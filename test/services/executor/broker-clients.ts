// Test-side clients of the real brokers: seed a Kafka topic, read it back, drain and fill RabbitMQ queues.
import * as amqp from 'amqplib';
import { Kafka, logLevel } from 'kafkajs';

export const kafkaBrokers = (): string => process.env.FLOWTRACER_TEST_KAFKA_BROKERS!;
export const amqpUrl = (): string => process.env.FLOWTRACER_TEST_AMQP_URL!;

function kafka(): Kafka {
  return new Kafka({ clientId: 'flowtracer-test', brokers: kafkaBrokers().split(','), logLevel: logLevel.NOTHING });
}

export async function produce(topic: string, messages: readonly { key: string; value: unknown }[]): Promise<void> {
  const admin = kafka().admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka().producer();
  await producer.connect();
  for (let i = 0; i < messages.length; i += 1000) {
    await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 1000).map((m) => ({ key: m.key, value: JSON.stringify(m.value) })) });
  }
  await producer.disconnect();
}

/** Creates a topic with one partition per list and writes each list into its partition, in order: message i of list p is at offset i of partition p. */
export async function producePartitions(topic: string, partitions: readonly (readonly { key: string; value: unknown }[])[]): Promise<void> {
  const admin = kafka().admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions.length }], waitForLeaders: true });
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

export async function fillQueue(queue: string, messages: readonly { key: string; value: unknown }[]): Promise<void> {
  const connection = await amqp.connect(amqpUrl());
  const channel = await connection.createConfirmChannel();
  await channel.assertQueue(queue, { durable: true });
  await channel.purgeQueue(queue);
  for (const m of messages) channel.sendToQueue(queue, Buffer.from(JSON.stringify(m.value)), { messageId: m.key, persistent: true });
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
