// Short exclusive sections in a run directory (proper-lockfile, waited for until free): changing who owns a run, closing a shared run.
import { setTimeout as sleep } from 'node:timers/promises';
import lockfile from 'proper-lockfile';

/** How often a lock holder refreshes its lock's mtime, and after how long without a refresh the lock is free. */
export interface LockTiming {
  readonly staleMs: number;
  readonly heartbeatMs: number;
}

/**
 * A heartbeat every 5 s; a lock not refreshed for 30 s is free. A process killed on another
 * machine holds its run that long; clocks of machines sharing a runs folder may differ by less.
 */
export const DEFAULT_LOCK_TIMING: LockTiming = { staleMs: 30_000, heartbeatMs: 5_000 };

/**
 * Runs `use` holding the lock directory `lockPath`, waiting (with a growing pause) while another
 * process holds it; a lock whose holder stopped refreshing it for `staleMs` is taken over.
 */
export async function withRunMutex<T>(lockPath: string, timing: LockTiming, signal: AbortSignal, use: () => Promise<T>): Promise<T> {
  let pause = 10;
  let release: () => Promise<void>;
  for (;;) {
    signal.throwIfAborted();
    try {
      release = await lockfile.lock(lockPath, {
        lockfilePath: lockPath, realpath: false, stale: timing.staleMs, update: timing.heartbeatMs,
        // Held for a moment: a lost mutex shows in the owner lock's checks, never as a crash.
        onCompromised: () => undefined,
      });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      await sleep(pause, undefined, { signal });
      pause = Math.min(pause * 1.5, 250);
    }
  }
  try {
    return await use();
  } finally {
    await release().catch(() => undefined);
  }
}
