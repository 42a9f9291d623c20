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
  // A count and one waiter, not a Promise.race over the window: that attaches a reaction to every write in flight, once a message.
  let inFlight = 0;
  let settled: (() => void) | undefined;
  const done = (): void => {
    inFlight -= 1;
    const wake = settled;
    settled = undefined;
    wake?.();
  };
  const confirmed = (): void => {
    sent += 1;
    try {
      options.onSent?.(sent);
    } catch (error) {
      failure ??= error;
    }
    done();
  };
  const failed = (error: unknown): void => {
    failure ??= error;
    done();
  };
  for await (const message of messages) {
    if (signal.aborted || failure !== undefined) break;
    inFlight += 1;
    writer.write(message, signal).then(confirmed, failed);
    if (inFlight >= options.window) await new Promise<void>((resolve) => (settled = resolve));
  }
  while (inFlight > 0) await new Promise<void>((resolve) => (settled = resolve));
  return { sent, ...(failure !== undefined ? { error: failure instanceof Error ? failure.message : String(failure) } : {}) };
}
