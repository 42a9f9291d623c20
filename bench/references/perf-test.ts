// RabbitMQ PerfTest (com.rabbitmq:perf-test), the broker's own load generator: publish with confirms, or consume with manual acks.
import path from 'node:path';
import { figureAfter, javaToolJars, runJava } from './java-tools';

const MAIN = 'com.rabbitmq.perf.PerfTest';

/**
 * What FlowTracer puts on each message it publishes, for a PerfTest that publishes the same: a
 * `traceparent` header (RabbitMQ takes ~20% longer a message with a header table than without one,
 * on the broker), a message id (the source's key) and the mandatory flag.
 */
export interface PublishedLike {
  readonly traceparent: string;
  readonly messageId: string;
}

/**
 * One producer publishing `count` persistent messages of `size` bytes to the (declared, durable) `queue`, `confirms` unconfirmed at most: msgs/s.
 * With `like`, each message carries FlowTracer's properties (PerfTest's `--message-properties`: names it does not know become headers).
 */
export async function perfTestPublish(url: string, queue: string, count: number, size: number, confirms: number, like?: PublishedLike): Promise<number> {
  const jars = await javaToolJars('perf-test');
  const properties = like ? ['--flag', 'mandatory', '--message-properties', `traceparent=${like.traceparent},messageId=${like.messageId}`] : [];
  const out = await runJava('RabbitMQ PerfTest (publish)', [path.join(jars, '*')], MAIN, ['--uri', url, '--producers', '1', '--consumers', '0', '--queue', queue, '--predeclared', '--size', String(size), '--flag', 'persistent', ...properties, '--confirm', String(confirms), '--pmessages', String(count), '--time', '600']);
  return figureAfter('RabbitMQ PerfTest (publish)', out, /sending rate avg: ([\d,.]+) msg\/s/);
}

/** One consumer taking `count` messages off the (filled) `queue` with manual acks, `prefetch` unacked at most: msgs/s. */
export async function perfTestConsume(url: string, queue: string, count: number, prefetch: number): Promise<number> {
  const jars = await javaToolJars('perf-test');
  const out = await runJava('RabbitMQ PerfTest (consume)', [path.join(jars, '*')], MAIN, ['--uri', url, '--producers', '0', '--consumers', '1', '--queue', queue, '--predeclared', '--qos', String(prefetch), '--cmessages', String(count), '--time', '600']);
  return figureAfter('RabbitMQ PerfTest (consume)', out, /receiving rate avg: ([\d,.]+) msg\/s/);
}
