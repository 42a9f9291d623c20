// ReplyChannel: a service's replies within a run, read by its downstream connections as their source.
import type { SourceMessage, SourceReader } from './connectors/connector';

/**
 * A bounded in-memory queue: feeders `push` (waiting when full: back-pressure to the upstream
 * connection), the downstream connection reads it like any source. Replies are journaled by the
 * engine before they are pushed, so a resumed or retried run can feed them again.
 */
export class ReplyChannel implements SourceReader {
  private queue: SourceMessage[] = [];
  private ended = false;
  private failure: Error | undefined;
  private wakeReader: (() => void) | undefined;
  private wakeWriters: (() => void)[] = [];

  constructor(
    private readonly capacity: number,
    private readonly onCommit: (message: SourceMessage) => void = () => undefined,
  ) {}

  async push(message: SourceMessage, signal: AbortSignal): Promise<void> {
    while (this.queue.length >= this.capacity && !signal.aborted) {
      await new Promise<void>((resolve) => this.wakeWriters.push(resolve));
    }
    this.queue.push(message);
    this.wakeReader?.();
  }

  /** No more replies will come: the reader ends once it drained the queue. */
  end(): void {
    this.ended = true;
    this.wakeReader?.();
  }

  /** The feed broke: the reader fails with `error` (what it has not read stays uncommitted, for a resume). */
  fail(error: Error): void {
    this.failure = error;
    this.wakeReader?.();
  }

  async *messages(signal: AbortSignal): AsyncIterable<SourceMessage> {
    const onAbort = (): void => this.wakeReader?.();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      for (;;) {
        if (signal.aborted) return;
        if (this.failure) throw this.failure;
        const next = this.queue.shift();
        if (next) {
          this.wakeWriters.shift()?.();
          yield next;
          continue;
        }
        if (this.ended) return;
        await new Promise<void>((resolve) => (this.wakeReader = resolve));
        this.wakeReader = undefined;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      for (const wake of this.wakeWriters.splice(0)) wake();
    }
  }

  commit(message: SourceMessage): Promise<void> {
    this.onCommit(message);
    return Promise.resolve();
  }

  release(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
