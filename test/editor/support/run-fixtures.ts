// Shared pieces of the run suites: the activated API, a flow file in the workspace, RabbitMQ feeding, polling.
import * as assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as amqp from 'amqplib';
import * as vscode from 'vscode';
import type { FlowTracerApi } from '../../../client/extension';

export const AMQP_URL = process.env['FLOWTRACER_TEST_AMQP_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672';

export async function flowTracer(): Promise<FlowTracerApi> {
  const extension = vscode.extensions.getExtension<FlowTracerApi>('flowtracer.flowtracer');
  assert.ok(extension, 'the FlowTracer extension is loaded');
  return extension.activate();
}

export function workspaceFolder(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  assert.ok(folder, 'a workspace folder is open');
  return folder;
}

/** A two-queue flow on RabbitMQ; without `until: empty` its source waits for messages until stopped. */
export function mqCopyFlow(id: string, inbox: string, outbox: string, options: { untilEmpty: boolean; access?: string }): string {
  return [
    `flow: ${id}`,
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

export async function writeFlow(name: string, text: string): Promise<vscode.Uri> {
  const uri = vscode.Uri.joinPath(workspaceFolder(), name);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return uri;
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

export async function journalOf(directory: string): Promise<{ t: string; [key: string]: unknown }[]> {
  const text = await readFile(join(directory, 'journal.ndjson'), 'utf8');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { t: string });
}

export { until } from './until';
