// Whether the processes of a run are still running it: the starter's pid, joined workers' pids or heartbeats, the summary lock.
import { hostname } from 'node:os';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { journalFiles, readFileRecords } from '../protocol/journal-files';
import type { RunSummary } from '../protocol/journal-records';

/** Whether another process with this pid runs on this machine (this process counts as not alive: it is asking). */
export function isAlive(pid: number | undefined): boolean {
  if (pid === undefined || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A process that joined a run, from the `worker` record opening its event log. */
export interface JoinedWorker {
  readonly worker: string;
  readonly file: string;
  readonly pid: number;
  readonly host: string;
  readonly ended: boolean;
}

/** A process on another machine cannot be asked: it counts as alive while its event log changed in the last minute. */
const REMOTE_SILENCE_MS = 60_000;

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

/** Whether a joined worker may still be running (not ended, its process alive). */
export async function workerAlive(w: JoinedWorker): Promise<boolean> {
  if (w.ended) return false;
  if (w.host === hostname()) return w.pid === process.pid || isAlive(w.pid);
  const info = await stat(w.file).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs < REMOTE_SILENCE_MS;
}

/** Whether the process that started the run may still be running it. */
export function starterAlive(summary: RunSummary): boolean {
  return summary.pid === process.pid || isAlive(summary.pid);
}

/**
 * Runs `use` holding the run's lock (an exclusively created file), so that the processes of a
 * shared run finishing together write the summary one after the other. A lock left by a dead
 * process is taken over.
 */
export async function withRunLock<T>(directory: string, use: () => Promise<T>): Promise<T> {
  const lock = join(directory, 'summary.lock');
  for (;;) {
    try {
      const handle = await open(lock, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(await readFile(lock, 'utf8').catch(() => ''));
      if (holder > 0 && !isAlive(holder) && holder !== process.pid) await unlink(lock).catch(() => undefined);
      else await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  try {
    return await use();
  } finally {
    await unlink(lock).catch(() => undefined);
  }
}
