// Who runs a run: one owner lock per process running it (proper-lockfile, a heartbeat in its mtime), named by an owner record beside it.
import { readdir, readFile, rename, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { DEFAULT_LOCK_TIMING, withRunMutex, type LockTiming } from './run-mutex';

/** `main`: the process that started, resumed or retried the run; otherwise the worker id of a process that joined it. */
export type OwnerRole = 'main' | { readonly worker: string };

/** What `owner.json` (or `owner-<worker>.json`) says about the lock beside it. */
export interface OwnerRecord {
  readonly host: string;
  readonly pid: number;
  readonly worker?: string;
  readonly since: string;
  /** The owner's stale setting: others judge its heartbeat by it. */
  readonly staleMs: number;
  /** The lock directory this record belongs to (its inode): a record left by an earlier owner names nobody. */
  readonly lock: { readonly ino: number };
}

/** A lock that is held: its owner, unless the process holding it has not written its record yet. */
export interface LiveOwner {
  readonly role: OwnerRole;
  readonly owner: OwnerRecord | undefined;
  readonly heartbeatAgeMs: number;
}

/** A resume, retry or join refused because another process runs the run. */
export class RunBusyError extends Error {
  constructor(readonly runId: string, readonly live: LiveOwner) {
    super(`run ${runId} is being run by ${describeOwner(live)}: wait for it to end, or stop it there`);
    this.name = 'RunBusyError';
  }
}

/** This process's lock was removed or taken over (it did not refresh it in time): it stopped and wrote nothing more. */
export class OwnershipLostError extends Error {
  constructor(readonly runId: string, cause: string) {
    super(`run ${runId}: this process lost its lock on the run (${cause}); it stopped delivering and wrote nothing more to the journal, since another process may be running it now`);
    this.name = 'OwnershipLostError';
  }
}

const MAIN_NAME = 'owner';
/** Held while a process checks and takes a run's locks, so that two processes never both take one over. */
const CHANGE_LOCK = 'ownership.lock';

/** Whether another process with this pid runs on this machine (this process counts as not alive: it is asking). */
function isAlive(pid: number | undefined): boolean {
  if (pid === undefined || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists, it is only someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function baseName(role: OwnerRole): string {
  return role === 'main' ? MAIN_NAME : `${MAIN_NAME}-${role.worker}`;
}

/** The lock directory and owner record of one role in a run directory. */
function ownerFiles(directory: string, role: OwnerRole): { readonly lock: string; readonly record: string } {
  const base = join(directory, baseName(role));
  return { lock: `${base}.lock`, record: `${base}.json` };
}

function describeOwner(live: LiveOwner): string {
  const beat = `last heartbeat ${(live.heartbeatAgeMs / 1000).toFixed(1)} s ago`;
  const o = live.owner;
  // A process that died between taking the lock and naming itself, or one naming itself right now.
  if (!o) return `another process, not named yet (${beat})`;
  return `pid ${o.pid} on host ${o.host}${o.worker ? ` (joined as ${o.worker})` : ''} since ${o.since} (${beat})`;
}

/**
 * Whether the lock of `role` is held. A lock is free once its heartbeat (mtime) is older than the
 * owner's stale setting; an owner on this machine whose process is gone frees it at once. A pid
 * is only ever asked on the machine that wrote it: another host's owner is judged by time alone.
 */
export async function liveOwner(directory: string, role: OwnerRole, timing: LockTiming = DEFAULT_LOCK_TIMING): Promise<LiveOwner | undefined> {
  const files = ownerFiles(directory, role);
  const lock = await stat(files.lock).catch(() => undefined);
  if (!lock) return undefined;
  const record = await readRecord(files.record);
  const belongs = record !== undefined && record.lock?.ino === lock.ino;
  const owner = belongs ? record : undefined;
  const heartbeatAgeMs = Math.max(0, Date.now() - lock.mtimeMs);
  if (heartbeatAgeMs > (owner?.staleMs ?? timing.staleMs)) return undefined;
  if (owner && owner.host === hostname() && owner.pid !== process.pid && !isAlive(owner.pid)) return undefined;
  return { role, owner, heartbeatAgeMs };
}

/** Every held lock of a run: its main process's and its joined processes'. */
export async function liveOwners(directory: string, timing: LockTiming = DEFAULT_LOCK_TIMING): Promise<LiveOwner[]> {
  const names = await readdir(directory).catch(() => [] as string[]);
  const roles: OwnerRole[] = ['main', ...names.map((n) => /^owner-(.+)\.lock$/.exec(n)?.[1]).filter((w): w is string => w !== undefined).map((worker) => ({ worker }))];
  const live = await Promise.all(roles.map((role) => liveOwner(directory, role, timing)));
  return live.filter((l): l is LiveOwner => l !== undefined);
}

async function readRecord(file: string): Promise<OwnerRecord | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as OwnerRecord;
  } catch {
    return undefined;
  }
}

/** Runs `use` while no process changes who owns the run (short; waited for). */
export function whileOwnersSettled<T>(directory: string, timing: LockTiming, signal: AbortSignal, use: () => Promise<T>): Promise<T> {
  return withRunMutex(join(directory, CHANGE_LOCK), timing, signal, use);
}

export interface ClaimOptions {
  readonly timing?: LockTiming;
  readonly signal: AbortSignal;
  /** Checked while no one else can claim the run: throws to refuse (a join of a run that ended). */
  readonly admit?: (owners: readonly LiveOwner[]) => Promise<void>;
}

/**
 * This process's hold on a run, from claim to release. proper-lockfile refreshes the lock's mtime;
 * if the lock is removed or taken over meanwhile, `signal` aborts with an OwnershipLostError.
 */
export class RunOwnership {
  private readonly lost = new AbortController();
  private released = false;

  private constructor(
    readonly runId: string,
    private readonly files: { readonly lock: string; readonly record: string },
    private readonly unlock: () => Promise<void>,
  ) {}

  /** Aborts when this process no longer owns the run. */
  get signal(): AbortSignal {
    return this.lost.signal;
  }

  /** Calls `react` once the ownership is lost (at once if it already is). */
  onLost(react: (error: OwnershipLostError) => void): void {
    if (this.lost.signal.aborted) react(this.lost.signal.reason as OwnershipLostError);
    else this.lost.signal.addEventListener('abort', () => react(this.lost.signal.reason as OwnershipLostError), { once: true });
  }

  /**
   * Takes the lock of `role` in an existing run directory. The main role is refused (RunBusyError,
   * naming the owner) while any process holds a lock of the run; a lock whose owner stopped is
   * taken over. Every check and takeover happens under the run's change lock: two resumes started
   * together never both take over the lock a killed process left.
   */
  static async claim(directory: string, runId: string, role: OwnerRole, options: ClaimOptions): Promise<RunOwnership> {
    const timing = options.timing ?? DEFAULT_LOCK_TIMING;
    const files = ownerFiles(directory, role);
    return whileOwnersSettled(directory, timing, options.signal, async () => {
      const owners = await liveOwners(directory, timing);
      const blocking = owners.find((o) => role === 'main' || (o.role !== 'main' && o.role.worker === role.worker));
      if (blocking) throw new RunBusyError(runId, blocking);
      await options.admit?.(owners);
      // A lock nobody refreshes or whose local process is gone: its owner stopped without releasing it.
      await rmdir(files.lock).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
      let ownership: RunOwnership | undefined;
      const release = await lockfile.lock(join(directory, baseName(role)), {
        lockfilePath: files.lock, realpath: false, stale: timing.staleMs, update: timing.heartbeatMs,
        onCompromised: (error) => ownership?.lose(error, timing),
      }).catch(async (error: NodeJS.ErrnoException) => {
        // Only a process that takes locks without the change lock gets here.
        if (error.code === 'ELOCKED') throw new RunBusyError(runId, (await liveOwner(directory, role, timing)) ?? { role, owner: undefined, heartbeatAgeMs: 0 });
        throw error;
      });
      ownership = new RunOwnership(runId, files, release);
      const identity = await stat(files.lock);
      const record: OwnerRecord = {
        host: hostname(), pid: process.pid, ...(role === 'main' ? {} : { worker: role.worker }), since: new Date().toISOString(),
        staleMs: timing.staleMs, lock: { ino: identity.ino },
      };
      const temp = `${files.record}.${process.pid}.tmp`;
      await writeFile(temp, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
      await rename(temp, files.record);
      return ownership;
    });
  }

  private lose(error: Error, timing: LockTiming): void {
    if (this.released) return;
    // proper-lockfile renames the code of every cause to ECOMPROMISED: a file system error keeps its syscall.
    const cause = error.message.includes('ENOENT')
      ? `${this.files.lock} was removed`
      : (error as NodeJS.ErrnoException).syscall !== undefined
        ? `${this.files.lock} could not be refreshed for ${timing.staleMs / 1000} s: ${error.message}`
        : `${this.files.lock} was taken over: this process had not refreshed it for ${timing.staleMs / 1000} s (a suspended machine, a stalled disk?)`;
    this.lost.abort(new OwnershipLostError(this.runId, cause));
  }

  /** Gives the run up: the record goes first, so that a record never outlives the lock it names. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    if (this.lost.signal.aborted) return;
    await unlink(this.files.record).catch(() => undefined);
    await this.unlock().catch(() => undefined);
  }
}
