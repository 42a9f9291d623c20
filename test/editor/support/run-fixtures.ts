// Shared pieces of the run suites: the activated API, a flow file in the workspace, RabbitMQ feeding, polling.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as amqp from 'amqplib';
import { parseJournal } from '../../../protocol/journal-files';

export const AMQP_URL = process.env['FLOWTRACER_TEST_AMQP_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672';

/** A two-queue flow on RabbitMQ; without `until: empty` its source waits for messages until stopped. */
export function mqCopyFlow(id: string, inbox: string, outbox: string, options: { untilEmpty: boolean; access?: string; retry?: string }): string {
  return [
    `flow: ${id}`,
    ...(options.retry ? ['defaults:', `  retry: ${options.retry}`] : []),
    'components:',
    `  Inbox: { type: mq, url: "${AMQP_URL}", queue: ${inbox} }`,
    `  Outbox: { type: mq, url: "${AMQP_URL}", queue: ${outbox} }`,
    'connections:',
    '  - from: Inbox',
    '    to: Outbox',
    ...(options.untilEmpty ? ['    select: { until: empty }'] : []),
    ...(options.access ? [`access:`, `  github: ${options.access}`] : []),
    '',
  ].join('\n');
}

export async function publish(queue: string, bodies: readonly string[]): Promise<void> {
  const connection = await amqp.connect(AMQP_URL);
  try {
    const channel = await connection.createConfirmChannel();
    await channel.assertQueue(queue, { durable: true });
    for (const body of bodies) channel.sendToQueue(queue, Buffer.from(body), { persistent: true });
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}

export async function queueDepth(queue: string): Promise<number> {
  const connection = await amqp.connect(AMQP_URL);
  try {
    const channel = await connection.createChannel();
    return (await channel.assertQueue(queue, { durable: true })).messageCount;
  } finally {
    await connection.close();
  }
}

export async function deleteQueues(...queues: string[]): Promise<void> {
  const connection = await amqp.connect(AMQP_URL);
  try {
    const channel = await connection.createChannel();
    for (const q of queues) await channel.deleteQueue(q);
  } finally {
    await connection.close();
  }
}

/** A run's journal as its readers see it (batch records as the records they hold: protocol/journal-files.ts). */
export async function journalOf(directory: string): Promise<{ t: string; [key: string]: unknown }[]> {
  const text = await readFile(join(directory, 'journal.ndjson'), 'utf8');
  return parseJournal(text).records as unknown as { t: string; [key: string]: unknown }[];
}

export { until } from './until';
export { flowTracer, workspaceFolder, writeFlow } from './workspace';
