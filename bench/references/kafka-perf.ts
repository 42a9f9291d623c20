// Kafka's own ProducerPerformance and ConsumerPerformance (org.apache.kafka:kafka-tools).
import path from 'node:path';
import { figureAfter, javaToolJars, ReferenceFailed, runJava } from './java-tools';

/** Writes `count` records of `size` bytes to `topic` (created beforehand), acks=all, idempotent: records/s. */
export async function producerPerformance(brokers: string, topic: string, count: number, size: number): Promise<number> {
  const jars = await javaToolJars('kafka-tools');
  const out = await runJava('Kafka ProducerPerformance', [path.join(jars, '*')], 'org.apache.kafka.tools.ProducerPerformance', [
    '--topic', topic, '--num-records', String(count), '--record-size', String(size), '--throughput', '-1',
    '--producer-props', `bootstrap.servers=${brokers}`, 'acks=all', 'enable.idempotence=true',
  ]);
  // The last line is the whole run's: "100000 records sent, 12297.1 records/sec (12.01 MB/sec), …".
  return figureAfter('Kafka ProducerPerformance', out.trim().split('\n').at(-1) ?? '', /records sent, ([\d.]+) records\/sec/);
}

/** Reads `count` records of `topic` with a fresh group: records/s of the fetching (Kafka's `fetch.nMsg.sec`, without the group join). */
export async function consumerPerformance(brokers: string, topic: string, count: number): Promise<number> {
  const jars = await javaToolJars('kafka-tools');
  const out = await runJava('Kafka ConsumerPerformance', [path.join(jars, '*')], 'org.apache.kafka.tools.ConsumerPerformance', [
    '--bootstrap-server', brokers, '--topic', topic, '--num-records', String(count), '--group', `bench-consumer-perf-${Date.now().toString(36)}`, '--timeout', '60000',
  ]);
  const [header, values] = out.trim().split('\n').slice(-2).map((line) => line.split(',').map((cell) => cell.trim()));
  const column = header?.indexOf('fetch.nMsg.sec') ?? -1;
  const consumed = header?.indexOf('data.consumed.in.nMsg') ?? -1;
  if (!values || column < 0 || Number(values[consumed]) < count) throw new ReferenceFailed(`reference Kafka ConsumerPerformance did not read ${count} records:\n${out}`);
  return Number(values[column]);
}
