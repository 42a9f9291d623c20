// The benchmark's Kafka side: a topic with as many offsets per partition as the recorded run read, and the run's consumer group committed where it stopped.
import type { Kafka } from 'kafkajs';

/** One produce request per chunk: larger ones pass the broker's 1 MB batch limit and get split and retried. */
const CHUNK = 5000;
const VALUE = Buffer.from('{"bench":"journal-memory"}');

/** Creates `topic` with `partitions` partitions of `perPartition` small messages each (a retried send may add a few: see `endOffsets`). */
export async function fillPartitions(kafka: Kafka, topic: string, partitions: number, perPartition: number, progress: (written: number) => void): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  let written = 0;
  let reported = 0;
  try {
    await Promise.all(Array.from({ length: partitions }, async (_, partition) => {
      for (let offset = 0; offset < perPartition; offset += CHUNK) {
        const n = Math.min(CHUNK, perPartition - offset);
        await producer.send({ topic, acks: -1, messages: Array.from({ length: n }, () => ({ partition, value: VALUE })) });
        written += n;
        if (written - reported >= 1_000_000) progress((reported = written));
      }
    }));
  } finally {
    await producer.disconnect();
  }
}

/** Commits `offsets` (next offset to read, per partition) for a group with no members, as the interrupted run's group left them. */
export async function commitGroup(kafka: Kafka, groupId: string, topic: string, offsets: readonly bigint[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.setOffsets({ groupId, topic, partitions: offsets.map((offset, partition) => ({ partition, offset: offset.toString() })) });
  } finally {
    await admin.disconnect();
  }
}

/** Each partition's end offset, to check the topic holds what the journal says was read. */
export async function endOffsets(kafka: Kafka, topic: string): Promise<bigint[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).sort((a, b) => a.partition - b.partition).map((p) => BigInt(p.high));
  } finally {
    await admin.disconnect();
  }
}
