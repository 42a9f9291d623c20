// The two ceilings FlowTracer is compared with: kafkajs alone consuming the topic, amqplib alone publishing with confirms.
import { performance } from 'node:perf_hooks';
import amqp from 'amqplib';
import type { Consumer, Kafka } from 'kafkajs';
import { whileCoordinatorLoads } from '../../executor/connectors/kafka-errors';
import { payload } from './kafka-topic';

export interface Rate {
  readonly messages: number;
  /** First message to last message (consumed, or confirmed). */
  readonly ms: number;
}

export const perSecond = (rate: Rate): number => rate.messages / (rate.ms / 1000);

/**
 * A consumer with a fresh group reads the topic from the start with eachBatch until it has `count` messages
 * (again with a new group while a fresh broker's group coordinator loads, as the executor's readers do).
 */
export function kafkajsConsume(kafka: Kafka, topic: string, count: number): Promise<Rate> {
  return whileCoordinatorLoads(() => consumeOnce(kafka, topic, count));
}

async function consumeOnce(kafka: Kafka, topic: string, count: number): Promise<Rate> {
  const consumer = kafka.consumer({ groupId: `bench-replay-ceiling-${Date.now().toString(36)}`, maxWaitTimeInMs: 250 });
  try {
    return await consumeWith(consumer, topic, count);
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
}

async function consumeWith(consumer: Consumer, topic: string, count: number): Promise<Rate> {
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let seen = 0;
  let first = 0;
  let last = 0;
  let bytes = 0;
  await new Promise<void>((resolve, reject) => {
    consumer.on(consumer.events.CRASH, (event) => reject(event.payload.error));
    consumer
      .run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          if (seen === 0) first = performance.now();
          // Touch what a reader would use, so that lazily decoded fields are paid for.
          for (const message of batch.messages) bytes += (message.key?.length ?? 0) + (message.value?.length ?? 0);
          seen += batch.messages.length;
          if (seen >= count) {
            last = performance.now();
            resolve();
          }
        },
      })
      .catch(reject);
  });
  if (bytes === 0) throw new Error('the ceiling consumer read no bytes');
  return { messages: seen, ms: last - first };
}

/** The trace context FlowTracer adds to each message it publishes (its one header): the ceilings and PerfTest publish one like it. */
export const TRACEPARENT_LIKE = `00-${'0'.repeat(31)}1-${'0'.repeat(15)}1-01`;

/** Publishes `count` persistent messages of `size` bytes to `queue` on a ConfirmChannel, at most `inFlight` unconfirmed, with FlowTracer's properties (a traceparent, a message id, mandatory). */
export async function amqplibPublish(url: string, queue: string, count: number, size: number, inFlight: number): Promise<Rate> {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createConfirmChannel();
    await channel.assertQueue(queue, { durable: true });
    let unconfirmed = 0;
    let failure: unknown;
    let room: (() => void) | undefined;
    const first = performance.now();
    for (let i = 0; i < count; i++) {
      while (unconfirmed >= inFlight) await new Promise<void>((resolve) => (room = resolve));
      if (failure) throw failure;
      unconfirmed++;
      const more = channel.publish('', queue, payload(i, size), { persistent: true, mandatory: true, messageId: `k${i}`, headers: { traceparent: TRACEPARENT_LIKE } }, (error) => {
        if (error) failure ??= error;
        unconfirmed--;
        room?.();
      });
      if (!more) await new Promise<void>((resolve) => channel.once('drain', resolve));
    }
    while (unconfirmed > 0) await new Promise<void>((resolve) => (room = resolve));
    const ms = performance.now() - first;
    if (failure) throw failure;
    return { messages: count, ms };
  } finally {
    await connection.close();
  }
}

export async function deleteQueue(url: string, queue: string): Promise<void> {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createChannel();
    await channel.deleteQueue(queue);
  } finally {
    await connection.close();
  }
}

export async function queueDepth(url: string, queue: string): Promise<number> {
  const connection = await amqp.connect(url);
  // A missing queue closes the channel with an error the connection also emits: the rejected check reports it.
  connection.on('error', () => undefined);
  try {
    const channel = await connection.createChannel();
    return (await channel.checkQueue(queue)).messageCount;
  } finally {
    await connection.close();
  }
}
