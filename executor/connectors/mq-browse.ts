// A read-only look at a RabbitMQ queue: basic.get without ack, every message given back with nack(requeue) at the end, in order.
import type { Channel, GetMessage } from 'amqplib';
import type { Browse, BrowsedMessage, BrowseOptions } from './connector';
import { amqpHeaderText } from './mq-reader';

/**
 * Reads up to `limit` messages with `basic.get` (no ack: the broker keeps each one, unacked, on this
 * channel) and yields them as they come. At the end every one is given back with `nack(requeue)`
 * in delivery order, so the queue holds the same messages in the same order; RabbitMQ marks them
 * redelivered, which `close` says. Only the delivery tags are kept, never the bodies.
 */
export function openMqBrowse(queue: string, channel: Channel, options: BrowseOptions): Browse {
  const held: { fields: { deliveryTag: number } }[] = [];
  let lost = false;
  channel.on('close', () => (lost = true));
  return {
    async *messages(signal: AbortSignal): AsyncIterable<BrowsedMessage> {
      for (let n = 0; n < options.limit && !signal.aborted; n++) {
        const message: GetMessage | false = await channel.get(queue, { noAck: false });
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
      const count = held.length;
      if (!lost) {
        for (const m of held.splice(0)) channel.nack(m as GetMessage, false, true);
        // A nack has no reply: a round trip through the queue (as the reader's acks do) returns once the
        // broker put them all back, so the queue's depth is whole again when the browse ends.
        await channel.checkQueue(queue).catch(() => undefined);
      }
      await channel.close().catch(() => undefined);
      // A closed channel hands its unacked messages back as well (RabbitMQ requeues them).
      return count > 0 ? `the ${count} message${count === 1 ? '' : 's'} browsed went back to queue ${queue} in order, now marked redelivered` : undefined;
    },
  };
}
