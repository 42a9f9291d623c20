// RabbitMQ's Shovel moving a queue into another: a dynamic shovel, ack-mode on-confirm, deleted after the queue's length at its start.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Rate } from '../replay/ceilings';
import { ReferenceFailed } from './java-tools';
import { timeQueueFill } from './queue-fill';

const run = promisify(execFile);

async function tool(command: string, ...args: string[]): Promise<string> {
  try {
    return (await run(command, args, { timeout: 120_000 })).stdout;
  } catch (error) {
    const { stderr = '' } = error as { stderr?: string };
    throw new ReferenceFailed(`reference RabbitMQ Shovel could not run: ${command} ${args.join(' ')}: ${(error as Error).message.split('\n')[0]} ${stderr.trim()}`);
  }
}

/** Enables the shovel and management plugins on the local node (root can run rabbitmq-plugins; it is idempotent). */
export async function enableShovel(): Promise<void> {
  await tool('rabbitmq-plugins', '--quiet', 'enable', 'rabbitmq_shovel', 'rabbitmq_management');
}

/** Shovels the `count` messages of `source` (filled, durable) into `target` (declared, durable) over `url`: the rate to the last message at the target. */
export async function shovelQueue(url: string, source: string, target: string, count: number): Promise<Rate> {
  const name = `bench-shovel-${source}`;
  const definition = { 'src-protocol': 'amqp091', 'src-uri': url, 'src-queue': source, 'dest-protocol': 'amqp091', 'dest-uri': url, 'dest-queue': target, 'ack-mode': 'on-confirm', 'src-delete-after': 'queue-length' };
  let started: Promise<string> | undefined;
  try {
    // The watcher polls from before the shovel exists, so the first message it sees is (about) the first one moved.
    return await timeQueueFill('RabbitMQ Shovel', url, target, count, (started = tool('rabbitmqctl', '--quiet', 'set_parameter', 'shovel', name, JSON.stringify(definition))).then(() => new Promise(() => undefined)));
  } finally {
    await started?.catch(() => undefined);
    // Gone by itself once it moved the queue's length; cleared in any case.
    await run('rabbitmqctl', ['--quiet', 'clear_parameter', 'shovel', name], { timeout: 60_000 }).catch(() => undefined);
  }
}
