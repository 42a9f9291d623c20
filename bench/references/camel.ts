// The Apache Camel route of CamelRoute.java (camel-main, camel-kafka, camel-spring-rabbitmq with publisher confirms), compiled once into the cache.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Rate } from '../replay/ceilings';
import { javaToolJars, ReferenceFailed, runJava } from './java-tools';
import { timeQueueFill } from './queue-fill';

const SOURCE = path.join(__dirname, 'CamelRoute.java');

async function compiled(jars: string): Promise<string> {
  const classes = path.join(path.dirname(jars), `classes-${createHash('sha256').update(readFileSync(SOURCE)).digest('hex').slice(0, 8)}`);
  if (existsSync(path.join(classes, 'CamelRoute.class'))) return classes;
  mkdirSync(classes, { recursive: true });
  try {
    await promisify(execFile)('javac', ['-cp', path.join(jars, '*'), '-d', classes, SOURCE], { timeout: 120_000 });
  } catch (error) {
    throw new ReferenceFailed(`reference Apache Camel could not be compiled: ${(error as { stderr?: string }).stderr ?? (error as Error).message}`);
  }
  return classes;
}

/** Moves `count` messages of `topic` into the (declared, durable) `queue` through the Camel route: the rate to the last message in the queue. */
export async function camelKafkaToQueue(brokers: string, topic: string, url: string, queue: string, count: number): Promise<Rate> {
  const jars = await javaToolJars('camel');
  const classes = await compiled(jars);
  const route = runJava('Apache Camel (kafka → spring-rabbitmq)', [classes, path.join(jars, '*')], 'CamelRoute', [brokers, topic, url, queue, String(count)]);
  return timeQueueFill('Apache Camel (kafka → spring-rabbitmq)', url, queue, count, route);
}
