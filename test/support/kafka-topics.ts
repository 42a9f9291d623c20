// Creates a Kafka topic for a test and waits until every partition has a leader that serves it.
import type { Admin, ITopicConfig } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * kafkajs's `createTopics({ waitForLeaders: true })` gives up when the broker answers the metadata
 * request with UNKNOWN_TOPIC_OR_PARTITION, which a KRaft broker does for a moment after creating the
 * topic (seen on Kafka 3.9 under load). This polls the metadata instead, errors included.
 */
export async function createTopic(admin: Admin, topic: ITopicConfig, timeoutMs = 30_000): Promise<void> {
  await admin.createTopics({ topics: [topic] });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ready = await admin
      .fetchTopicMetadata({ topics: [topic.topic] })
      // A topic that existed already keeps its own partition count.
      .then(({ topics }) => topics[0]!.partitions.length > 0 && topics[0]!.partitions.every((p) => p.leader >= 0))
      .catch(() => false);
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`topic ${topic.topic} has no leader for every partition after ${timeoutMs} ms`);
    await sleep(100);
  }
}
