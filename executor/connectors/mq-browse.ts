// A read-only look at a RabbitMQ queue: basic.get without ack, every message given back with nack(requeue) at the end, in order (a stream queue is read from its offsets).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Channel, GetMessage } from 'amqplib';
import type { Browse, BrowsedMessage, BrowseOptions } from './connector';
import { amqpHeaderText } from './mq-reader';
import { openStreamBrowse } from './mq-stream-browse';

/** How a browse learns that its queue is a stream, and gets a channel again (RabbitMQ closed the connection). */
export interface StreamFallback {
  /** Whether the connection was closed because `basic.get` is not for stream queues. */
  refusedGet(): boolean;
  reopen(): Promise<Channel>;
}

/**
 * Reads up to `limit` messages with `basic.get` (no ack: the broker keeps each one, unacked, on this
 * channel) and yields them as they come. At the end every one is given back with `nack(requeue)`
 * in delivery order, so the queue holds the same messages in the same order; RabbitMQ marks them
 * redelivered, which `close` says. Only the delivery tags are kept, never the bodies.
 */
export function openMqBrowse(queue: string, channel: Channel, options: BrowseOptions, stream: StreamFallback): Browse {
  const held: { fields: { deliveryTag: number } }[] = [];
  /** The queue turned out to be a stream (RabbitMQ refuses `basic.get` on one): read from its offsets instead. */
  let streamed: Browse | undefined;
  /** The queue's ready count before the browse took any: what its depth is back to once the nacks are done. */
  let depthBefore: number | undefined;
  let lost = false;
  channel.on('close', () => (lost = true));
  return {
    async *messages(signal: AbortSignal): AsyncIterable<BrowsedMessage> {
      depthBefore ??= (await channel.checkQueue(queue)).messageCount;
      for (let n = 0; n < options.limit && !signal.aborted; n++) {
        let message: GetMessage | false;
        try {
          message = await channel.get(queue, { noAck: false });
        } catch (error) {
          if (n > 0 || !stream.refusedGet()) throw error;
          streamed = openStreamBrowse(queue, await stream.reopen(), options);
          yield* streamed.messages(signal);
          return;
        }
        if (!message) return;
        held.push({ fields: { deliveryTag: message.fields.deliveryTag } });
        const timestamp = message.properties.timestamp as number | undefined;
        yield {
          key: (message.properties.messageId as string | undefined) ?? null,
          value: message.content,
          headers: amqpHeaderText(message.properties.headers),
          position: `${queue}#${n + 1}`,
          exchange: message.fields.exchange,
          routingKey: message.fields.routingKey,
          redelivered: message.fields.redelivered,
          ...(timestamp !== undefined ? { timestamp: new Date(timestamp * 1000).toISOString() } : {}),
        };
      }
    },
    async close(): Promise<string | undefined> {
      if (streamed) return streamed.close();
      const count = held.length;
      if (!lost) {
        for (const m of held.splice(0)) channel.nack(m as GetMessage, false, true);
        // A nack has no reply, and the queue puts the messages back after the channel has answered later
        // methods (seen: 737 of 1,000 back right after a round trip): wait until its depth is whole again,
        // a few seconds at most (other consumers may be taking messages meanwhile).
        await depthRestored(channel, queue, depthBefore ?? 0);
      }
      await channel.close().catch(() => undefined);
      // A closed channel hands its unacked messages back as well (RabbitMQ requeues them).
      return count > 0 ? `the ${count} message${count === 1 ? '' : 's'} browsed went back to queue ${queue} in order, now marked redelivered` : undefined;
    },
  };
}

const RESTORE_TIMEOUT_MS = 5000;

/** Resolves once the queue holds at least `depth` ready messages, or after RESTORE_TIMEOUT_MS. */
async function depthRestored(channel: Channel, queue: string, depth: number): Promise<void> {
  const deadline = Date.now() + RESTORE_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const now = await channel.checkQueue(queue).then((q) => q.messageCount, () => undefined);
    if (now === undefined || now >= depth) return;
    await sleep(20);
  }
}
