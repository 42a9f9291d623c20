// Sends messages through a component's own writer (publisher confirms, acks=-1): a bounded window, in order, a count at the end.
import type { FlowMessage, TargetWriter } from '../connectors/connector';

export interface SendOutcome {
  readonly sent: number;
  /** The first write that failed: nothing after it was sent. */
  readonly error?: string;
}

/**
 * Writes every message, up to `window` awaiting their confirm at once, handed to the writer in
 * file order (the writers keep that order: Kafka sends one request at a time, AMQP publishes in
 * call order). Stops at the first failure or when the signal aborts; `sent` counts the confirmed.
 */
export async function sendMessages(writer: TargetWriter, messages: AsyncIterable<FlowMessage>, signal: AbortSignal, options: { window: number; onSent?: (sent: number) => void }): Promise<SendOutcome> {
  let sent = 0;
  let failure: unknown;
  const inFlight = new Set<Promise<void>>();
  for await (const message of messages) {
    if (signal.aborted || failure !== undefined) break;
    const write: Promise<void> = writer.write(message, signal).then(
      () => {
        sent += 1;
        options.onSent?.(sent);
      },
      (error: unknown) => {
        failure ??= error;
      },
    ).finally(() => inFlight.delete(write));
    inFlight.add(write);
    if (inFlight.size >= options.window) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return { sent, ...(failure !== undefined ? { error: failure instanceof Error ? failure.message : String(failure) } : {}) };
}
