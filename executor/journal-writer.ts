// Writing a run's journal: the append-only event log (group commit, fsync'd before acks) and the atomic summary.json.
import { mkdir, open, rename, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { batchRecords, isBatchable } from '../protocol/journal-batches';
import { JOURNAL_FILE, SUMMARY_FILE, type JournalRecord, type NewJournalRecord, type RunSummary } from '../protocol/journal-records';
import { FIXED_VALUE_FIELDS, type Redactor } from './redaction';

/** A write to the journal (or the summary) failed: what was in it is not durable, and the run must stop. */
export class JournalWriteError extends Error {
  constructor(readonly code: string, readonly path: string) {
    super(`journal write failed: ${code} at ${path}`);
    this.name = 'JournalWriteError';
  }
}

/** What the journal needs of its open event log; a FileHandle (opened for appending) is one. */
export interface JournalFile {
  /** May write fewer bytes than asked (a disk filling up takes what fits, then fails). */
  write(buffer: Buffer, offset: number, length: number): Promise<{ bytesWritten: number }>;
  datasync(): Promise<void>;
  truncate(length: number): Promise<void>;
  stat(): Promise<{ size: number }>;
  close(): Promise<void>;
}

/**
 * Where a journal's batches go: once `appendBatch` resolved, every line of the batch is durable
 * (a file: written and fsync'd; a database: one committed transaction); when it rejects, none is.
 * It rejects with a JournalWriteError.
 */
export interface JournalLog {
  appendBatch(lines: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** An event log file opened for appending: a failed write is cut back to the last whole batch. */
class FileJournalLog implements JournalLog {
  constructor(private readonly path: string, private readonly file: JournalFile, private size: number) {}

  async appendBatch(lines: readonly string[]): Promise<void> {
    const bytes = Buffer.from(lines.map((l) => `${l}\n`).join(''));
    try {
      await writeAll(this.file, bytes);
      await this.file.datasync();
      this.size += bytes.length;
    } catch (error) {
      // Records of a failed write were never acknowledged: cut them off, so that no half line stays
      // (and a full disk gets a little room for the summary). If even that fails, the half line is
      // the last one, which readers drop as a torn tail: nothing is ever written after it.
      await this.file.truncate(this.size).catch(() => undefined);
      throw writeError(error, this.path);
    }
  }

  close(): Promise<void> {
    return this.file.close();
  }
}

export class Journal {
  /** Lines ready to write, and batchable records not yet encoded. */
  private pending: (string | JournalRecord)[] = [];
  private flushing: Promise<void> = Promise.resolve();
  /** The flush that has not started writing yet: every flush asked for meanwhile is that one. */
  private queued: Promise<void> | undefined;
  private stampMs = NaN;
  private stamp = '';
  /** Aborted once nothing more may be made durable: a write failed, or this process lost the run's lock. */
  private readonly failed = new AbortController();

  /** `location` names the log in errors; `summaryWriter` replaces the run's summary at once. */
  constructor(
    private readonly location: string,
    private readonly log: JournalLog,
    private readonly summaryWriter: (summary: RunSummary) => Promise<void>,
    private readonly redactor: Redactor,
  ) {}

  /**
   * Opens (creating if needed) the journal of a run directory for appending; the new file's name and the
   * directories created for it are fsync'd, so that the journal exists after a crash. `openFile`
   * opens the event log (tests pass one that fails).
   */
  static async open(directory: string, redactor: Redactor, file = JOURNAL_FILE, openFile: (path: string) => Promise<JournalFile> = (path) => open(path, 'a', FILE_MODE)): Promise<Journal> {
    const path = join(directory, file);
    try {
      const created = await mkdir(directory, { recursive: true, mode: DIRECTORY_MODE });
      await dropTornTail(path);
      const handle = await openFile(path);
      try {
        await syncCreated(directory, created);
        const log = new FileJournalLog(path, handle, (await handle.stat()).size);
        return new Journal(path, log, (summary) => writeSummaryAtomically(directory, summary), redactor);
      } catch (error) {
        await handle.close();
        throw error;
      }
    } catch (error) {
      throw writeError(error, path);
    }
  }

  /**
   * Aborted, with the JournalWriteError (or the lost lock) as its reason, once a write or fsync
   * failed: from then on nothing more becomes durable, so the run stops (its signal follows this one).
   */
  get writeFailed(): AbortSignal {
    return this.failed.signal;
  }

  /** What stopped the journal, if anything did: a JournalWriteError, or the loss of the run's lock. */
  get failure(): Error | undefined {
    return this.failed.signal.aborted ? (this.failed.signal.reason as Error) : undefined;
  }

  /**
   * Queues a record; it is durable only once a later `flush` resolved. Secrets are masked first, never in a stored message.
   * After a write failure the record is dropped: every flush rejects, so nobody relies on it.
   * In-flight, delivered and committed records wait as they are, to be written as batches (see
   * `batchRecords`); every other record is masked and written out at once, as a barrier they are not moved past.
   * The record becomes the journal's: its time is set on it (`at`), and the caller does not use it again.
   */
  append(record: NewJournalRecord): void {
    if (this.failure) return;
    // Stamped in place, not copied: this runs three times a message, and every caller hands over a record of its own.
    const stamped = record as JournalRecord & { at: string };
    stamped.at = this.now();
    if (isBatchable(stamped)) this.pending.push(stamped);
    else this.pending.push(this.line(stamped));
  }

  /** The time of a record: one ISO text per millisecond, not one Date per record. */
  private now(): string {
    const ms = Date.now();
    if (ms !== this.stampMs) {
      this.stampMs = ms;
      this.stamp = new Date(ms).toISOString();
    }
    return this.stamp;
  }

  private line(record: JournalRecord): string {
    const kept = record.t === 'parked' || record.t === 'reply' ? STORED_MESSAGE_KEPT : record.t === 'delivered' && record.payload !== undefined ? DELIVERED_PAYLOAD_KEPT : RECORD_KEPT;
    return JSON.stringify(this.redactor.redactExcept(record, kept));
  }

  /** The pending records as lines: each run of batchable records as its batches, the others as they were. */
  private lines(pending: readonly (string | JournalRecord)[]): string[] {
    const out: string[] = [];
    let run: JournalRecord[] = [];
    const flushRun = (): void => {
      for (const r of batchRecords(run)) out.push(this.line(r));
      run = [];
    };
    for (const entry of pending) {
      if (typeof entry !== 'string') {
        run.push(entry);
        continue;
      }
      flushRun();
      out.push(entry);
    }
    flushRun();
    return out;
  }

  /**
   * From now on nothing more is written (this process lost the run's lock): records not yet written
   * are dropped, and every flush and summary write rejects with `reason`, so no source position is
   * committed after it.
   */
  refuseWrites(reason: Error): void {
    if (!this.failed.signal.aborted) this.failed.abort(reason);
    this.pending = [];
  }

  /**
   * Makes every record appended so far durable in one batch; concurrent calls share one write (group commit).
   * Rejects with a JournalWriteError when the write fails, and so does every later flush.
   */
  flush(): Promise<void> {
    // A record appended before this call is still pending when the queued flush starts: it goes with it.
    if (this.queued) return this.queued;
    const next = this.flushing.then(() => {
      this.queued = undefined;
      return this.writePending();
    });
    this.queued = next;
    this.flushing = next.catch(() => undefined);
    return next;
  }

  private async writePending(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.pending.length === 0) return;
    const pending = this.pending;
    this.pending = [];
    try {
      await this.log.appendBatch(this.lines(pending));
    } catch (error) {
      const failure = writeError(error, this.location);
      // Lost meanwhile (the store's session ended): the loss is the reason, as refuseWrites gives it.
      if (!this.failed.signal.aborted) this.failed.abort(failure);
      this.pending = [];
      throw this.failure!;
    }
  }

  async writeSummary(summary: RunSummary): Promise<void> {
    if (this.failure) throw this.failure;
    await this.summaryWriter(this.redactor.redactExcept(summary, SUMMARY_KEPT));
  }

  /** Writes what is pending (unless a write already failed) and closes the event log. */
  async close(): Promise<void> {
    try {
      await this.flushing;
      if (!this.failure) await this.flush();
    } finally {
      await this.log.close();
    }
  }
}

/** A journal holds production payloads: only its owner reads it. */
const FILE_MODE = 0o600;
const DIRECTORY_MODE = 0o700;

/**
 * Creates a run's directory (0700). Creating the runs folder itself also writes a `.gitignore` of `*`
 * into it, so that journals (payloads, hosts) are never committed by accident.
 */
export async function createRunDirectory(runsDir: string, directory: string): Promise<void> {
  try {
    const created = await mkdir(runsDir, { recursive: true, mode: DIRECTORY_MODE });
    if (created !== undefined && !relative(created, runsDir).startsWith('..')) await writeFile(join(runsDir, '.gitignore'), '*\n', { mode: FILE_MODE, flag: 'wx' });
    await mkdir(directory, { recursive: true, mode: DIRECTORY_MODE });
  } catch (error) {
    throw writeError(error, directory);
  }
}

const RECORD_KEPT: ReadonlySet<string> = new Set(FIXED_VALUE_FIELDS);
/**
 * A parked message or a service reply is stored as read, key, payload and headers: retry and
 * resume deliver it again from the journal, so a secret value it happens to hold (or a short one
 * that occurs in its base64 text) must not change it.
 */
const STORED_MESSAGE_KEPT: ReadonlySet<string> = new Set([...FIXED_VALUE_FIELDS, 'key', 'payload', 'headers']);
/** A delivered message's stored payload (`journal.payloads: all`) is its bytes, as read. */
const DELIVERED_PAYLOAD_KEPT: ReadonlySet<string> = new Set([...FIXED_VALUE_FIELDS, 'payload']);
/** The summary's components map holds only statuses. */
const SUMMARY_KEPT: ReadonlySet<string> = new Set([...FIXED_VALUE_FIELDS, 'components']);

/** Writes all of `bytes`, one write after another until each byte is taken. */
async function writeAll(file: Pick<JournalFile, 'write'>, bytes: Buffer): Promise<void> {
  for (let offset = 0; offset < bytes.length;) {
    const { bytesWritten } = await file.write(bytes, offset, bytes.length - offset);
    if (bytesWritten <= 0) throw Object.assign(new Error('the write made no progress'), { code: 'EIO' });
    offset += bytesWritten;
  }
}

function writeError(error: unknown, path: string): JournalWriteError {
  if (error instanceof JournalWriteError) return error;
  return new JournalWriteError((error as NodeJS.ErrnoException).code ?? 'EIO', path);
}

/**
 * Makes a new file's name durable: fsyncs `directory` and, when `mkdir` created directories
 * (`created`, the first of them), each up to the one that already existed. Windows cannot open a
 * directory (NTFS journals names itself); a file system that cannot sync one says EINVAL.
 */
async function syncCreated(directory: string, created: string | undefined): Promise<void> {
  if (process.platform === 'win32') return;
  const directories = [directory];
  if (created) for (let d = directory; d !== dirname(created);) directories.push((d = dirname(d)));
  for (const d of directories) {
    const handle = await open(d, 'r');
    try {
      await handle.sync().catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EINVAL' && error.code !== 'ENOTSUP') throw error;
      });
    } finally {
      await handle.close();
    }
  }
}

/**
 * Writes `summary.json` through a temp file and a rename, so a reader never sees half of it; the
 * directory is fsync'd so that the rename survives a crash. A failure leaves the previous summary.
 */
export async function writeSummaryAtomically(directory: string, summary: RunSummary): Promise<void> {
  const temp = join(directory, `${SUMMARY_FILE}.${process.pid}.tmp`);
  try {
    const handle = await open(temp, 'w', FILE_MODE);
    try {
      await handle.writeFile(`${JSON.stringify(summary, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, join(directory, SUMMARY_FILE));
    await syncCreated(directory, undefined);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw writeError(error, join(directory, SUMMARY_FILE));
  }
}

/** Appends records to an event log (the starting process's) from another process, once that one has ended or died. */
export async function appendToRunJournal(directory: string, records: readonly NewJournalRecord[], file = JOURNAL_FILE): Promise<void> {
  const at = new Date().toISOString();
  const path = join(directory, file);
  try {
    await dropTornTail(path);
    const handle = await open(path, 'a', FILE_MODE);
    try {
      await writeAll(handle, Buffer.from(records.map((r) => `${JSON.stringify({ ...r, at })}\n`).join('')));
      await handle.datasync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw writeError(error, path);
  }
}

/**
 * Cuts a torn last line (a crash mid-write) so that appends start on a fresh line. Reads backwards
 * from the end in blocks: a long run's event log is far too big to read whole.
 */
async function dropTornTail(file: string): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r+');
  } catch {
    return;
  }
  try {
    const { size } = await handle.stat();
    const block = Buffer.alloc(64 * 1024);
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - block.length);
      const { bytesRead } = await handle.read(block, 0, end - start, start);
      const newline = block.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (newline >= 0) {
        // Complete when the file's very last byte is the newline.
        if (start + newline + 1 < size) await handle.truncate(start + newline + 1);
        return;
      }
      end = start;
    }
    if (size > 0) await handle.truncate(0);
  } finally {
    await handle.close();
  }
}
