// Times a tool that fills a RabbitMQ queue from outside: polls the queue's depth from its first message to the last.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import amqp from 'amqplib';
import type { Rate } from '../replay/ceilings';
import { ReferenceFailed } from './java-tools';

const POLL_MS = 20;

/**
 * Waits until `queue` holds `count` messages while `running` (the tool) works, polling its depth every
 * 20 ms: the rate counts the messages that arrived after the first poll that saw any, over the time to the
 * last one. Fails, naming `reference`, if the tool fails or ends first, or after `timeoutMs`.
 */
export async function timeQueueFill(reference: string, url: string, queue: string, count: number, running: Promise<unknown>, timeoutMs = 600_000): Promise<Rate> {
  let failure: unknown;
  let ended = false;
  running.then(() => (ended = true), (error: unknown) => (failure = error ?? new Error('failed')));
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createChannel();
    const deadline = performance.now() + timeoutMs;
    let first: { at: number; depth: number } | undefined;
    for (;;) {
      const depth = (await channel.checkQueue(queue)).messageCount;
      const now = performance.now();
      if (depth > 0) first ??= { at: now, depth };
      if (depth >= count) return { messages: count - first!.depth, ms: now - first!.at };
      if (failure) throw failure instanceof ReferenceFailed ? failure : new ReferenceFailed(`reference ${reference} failed: ${String(failure)}`);
      // A last poll after the tool ended: its final confirms may land just before it exits.
      if (ended && (await channel.checkQueue(queue)).messageCount < count) throw new ReferenceFailed(`reference ${reference} ended with ${depth} of ${count} messages in ${queue}`);
      if (now > deadline) throw new ReferenceFailed(`reference ${reference} moved ${depth} of ${count} messages into ${queue} in ${timeoutMs / 1000} s`);
      await sleep(POLL_MS);
    }
  } finally {
    await connection.close();
  }
}
