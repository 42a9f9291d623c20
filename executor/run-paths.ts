// Where a run lives and what it is called: the run directory, run ids, this process's worker id.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isRunId } from '../protocol/journal-records';

/** A run id that is not one (`../../x`): refused before it becomes part of a path. */
export class InvalidRunIdError extends Error {
  constructor(readonly runId: string) {
    super(`'${runId}' is not a run id (a run id looks like 20261129-012233-ab12; \`flowtracer runs\` lists them)`);
    this.name = 'InvalidRunIdError';
  }
}

/** The one place a run id becomes a path: anything but a run id is refused. */
export function runDirectory(runsDir: string, runId: string): string {
  if (!isRunId(runId)) throw new InvalidRunIdError(runId);
  return join(runsDir, runId);
}

/** A run id that sorts by time: `20261129-012233-ab12`. */
export function newRunId(now: Date = new Date(), random: () => number = Math.random): string {
  const iso = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${iso}-${Math.floor(random() * 0xffff).toString(16).padStart(4, '0')}`;
}

/** This process as a worker of a shared run: `<host>-<pid>`, safe in a file name. */
export function workerId(): string {
  return `${hostname().replace(/[^A-Za-z0-9._-]/g, '_')}-${process.pid}`;
}
