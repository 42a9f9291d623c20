// Kafka protocol errors under kafkajs's wrappers, and a wait for a group coordinator that is still loading (a fresh broker's first group).
import { setTimeout as sleep } from 'node:timers/promises';

type Wrapped = { type?: string; name?: string; originalError?: unknown; cause?: unknown } | undefined;

/** Whether the error, or one it wraps (retries, non-retriable), is of one of `types` or named one of `names`. */
export function isKafkaError(error: unknown, types: ReadonlySet<string>, names: readonly string[] = []): boolean {
  for (let e = error as Wrapped, depth = 0; e && depth < 5; depth++) {
    if (types.has(e.type ?? '') || names.includes(e.name ?? '')) return true;
    e = (e.originalError ?? e.cause) as Wrapped;
  }
  return false;
}

/**
 * A consumer's retries (kafkajs's own, on joining and fetching): about 20 s in all, so that a fresh
 * broker's coordinator has loaded the group before the join gives up (the client's 3 retries gave up
 * in about a second: seen as COORDINATOR_LOAD_IN_PROGRESS on npm start's Kafka).
 */
export const CONSUMER_RETRY = { retries: 8, initialRetryTime: 300, maxRetryTime: 5000 } as const;

/** A group's coordinator is not ready yet: on a fresh broker the first group waits for __consumer_offsets to load. */
const COORDINATOR_LOADING = new Set(['COORDINATOR_LOAD_IN_PROGRESS', 'COORDINATOR_NOT_AVAILABLE']);

/** Calls `use` again while the coordinator loads (kafkajs's own retries give up in about a second), up to `timeoutMs`. */
export async function whileCoordinatorLoads<T>(use: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await use();
    } catch (error) {
      if (!isKafkaError(error, COORDINATOR_LOADING) || Date.now() > deadline) throw error;
      await sleep(250);
    }
  }
}
