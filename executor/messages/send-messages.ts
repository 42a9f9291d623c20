// Sends messages through a component's own writer (publisher confirms, acks=-1): a bounded window, in order, a count at the end.
import type { FlowMessage, TargetWriter } from '../connectors/connector';
import { WriteSlots } from '../write-slots';

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
  // The window is the runner's: slots taken before a write, given back at its confirm (no race over the writes in flight).
  const slots = new WriteSlots(options.window);
  const confirmed = (): void => {
    sent += 1;
    try {
      options.onSent?.(sent);
    } catch (error) {
      failure ??= error;
    }
    slots.release();
  };
  const failed = (error: unknown): void => {
    failure ??= error;
    slots.release();
  };
  for await (const message of messages) {
    if (signal.aborted || failure !== undefined) break;
    if (!slots.tryAcquire()) {
      await slots.acquire();
      // Waited for a confirm: it may have been the failure, or the run may have stopped meanwhile.
      if (signal.aborted || failure !== undefined) {
        slots.release();
        break;
      }
    }
    writer.write(message, signal).then(confirmed, failed);
  }
  // Every slot free again: every write sent has its confirm or its failure.
  for (let i = 0; i < options.window; i++) await slots.acquire();
  return { sent, ...(failure !== undefined ? { error: failure instanceof Error ? failure.message : String(failure) } : {}) };
}
