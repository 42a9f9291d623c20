// Whether the processes of a run are still running it (their holds in the run's store): the joined workers and the starter.
import { MAIN_LOG, type StoredRun } from './run-store';

/** A process that joined a run, from the `worker` record opening its event log. */
export interface JoinedWorker {
  readonly worker: string;
  /** Its event log in the run's store. */
  readonly log: string;
  readonly pid: number;
  readonly host: string;
  readonly ended: boolean;
}

export async function joinedWorkers(run: StoredRun): Promise<JoinedWorker[]> {
  const out: JoinedWorker[] = [];
  for (const log of (await run.logs()).filter((l) => l !== MAIN_LOG)) {
    let first: { worker: string; pid: number; host: string } | undefined;
    let ended = false;
    try {
      for await (const r of run.records(log, ['worker', 'worker-end'])) {
        if (r.t === 'worker') first ??= r;
        else ended = true;
      }
    } catch {
      continue;
    }
    if (!first) continue;
    out.push({ worker: first.worker, log, pid: first.pid, host: first.host, ended });
  }
  return out;
}

/** Whether a joined worker may still be running: it has not ended its part and holds its part of the run. */
export async function workerAlive(run: StoredRun, w: JoinedWorker): Promise<boolean> {
  return !w.ended && (await run.liveOwner({ worker: w.worker })) !== undefined;
}

/** Whether the process that started (or resumed) the run still holds it. */
export async function starterAlive(run: StoredRun): Promise<boolean> {
  return (await run.liveOwner('main')) !== undefined;
}
