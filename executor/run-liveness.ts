// Whether the processes of a run are still running it (their owner locks), and the summary lock that serializes closing a shared run.
import { join } from 'node:path';
import { journalFiles, readFileRecords } from '../protocol/journal-files';
import { liveOwner } from './run-ownership';
import { DEFAULT_LOCK_TIMING, withRunMutex } from './run-mutex';

/** A process that joined a run, from the `worker` record opening its event log. */
export interface JoinedWorker {
  readonly worker: string;
  readonly file: string;
  readonly pid: number;
  readonly host: string;
  readonly ended: boolean;
}

export async function joinedWorkers(directory: string): Promise<JoinedWorker[]> {
  const out: JoinedWorker[] = [];
  for (const file of (await journalFiles(directory)).slice(1)) {
    const records = await readFileRecords(file, ['worker', 'worker-end']).catch(() => []);
    const first = records.find((r) => r.t === 'worker');
    if (first?.t !== 'worker') continue;
    out.push({ worker: first.worker, file, pid: first.pid, host: first.host, ended: records.some((r) => r.t === 'worker-end') });
  }
  return out;
}

/** Whether a joined worker may still be running: it has not ended its part and holds its owner lock. */
export async function workerAlive(directory: string, w: JoinedWorker): Promise<boolean> {
  return !w.ended && (await liveOwner(directory, { worker: w.worker })) !== undefined;
}

/** Whether the process that started (or resumed) the run still holds its owner lock. */
export async function starterAlive(directory: string): Promise<boolean> {
  return (await liveOwner(directory, 'main')) !== undefined;
}

/**
 * Runs `use` holding the run's summary lock, so that the processes of a shared run finishing
 * together write the summary one after the other. A lock whose holder stopped refreshing it is
 * taken over.
 */
export function withRunLock<T>(directory: string, use: () => Promise<T>): Promise<T> {
  // Never aborted: a process ending its part of a shared run finishes writing it.
  return withRunMutex(join(directory, 'summary.lock'), DEFAULT_LOCK_TIMING, new AbortController().signal, use);
}
