// Writing a run's journal: the append-only event log (group commit, fsync'd before acks) and the atomic summary.json.
import { mkdir, open, rename, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { JOURNAL_FILE, SUMMARY_FILE, type NewJournalRecord, type RunSummary } from '../protocol/journal-records';
import { FIXED_VALUE_FIELDS, type Redactor } from './redaction';

export class Journal {
  private pending: string[] = [];
  private flushing: Promise<void> = Promise.resolve();

  private constructor(
    readonly directory: string,
    private readonly handle: FileHandle,
    private readonly redactor: Redactor,
  ) {}

  /** Opens (creating if needed) the journal of a run for appending. */
  static async open(directory: string, redactor: Redactor, file = JOURNAL_FILE): Promise<Journal> {
    await mkdir(directory, { recursive: true });
    await dropTornTail(join(directory, file));
    const handle = await open(join(directory, file), 'a');
    return new Journal(directory, handle, redactor);
  }

  /** Queues a record; it is durable only once a later `flush` resolved. Secrets are masked first, never in a stored message. */
  append(record: NewJournalRecord): void {
    const kept = record.t === 'parked' || record.t === 'reply' ? STORED_MESSAGE_KEPT : RECORD_KEPT;
    const stamped = { ...this.redactor.redactExcept(record, kept), at: new Date().toISOString() };
    this.pending.push(`${JSON.stringify(stamped)}\n`);
  }

  /** Writes and fsyncs every record appended so far; concurrent calls share one write (group commit). */
  flush(): Promise<void> {
    const next = this.flushing.then(async () => {
      if (this.pending.length === 0) return;
      const text = this.pending.join('');
      this.pending = [];
      await this.handle.write(text);
      await this.handle.datasync();
    });
    this.flushing = next.catch(() => undefined);
    return next;
  }

  async writeSummary(summary: RunSummary): Promise<void> {
    await writeSummaryAtomically(this.directory, this.redactor.redactExcept(summary, SUMMARY_KEPT));
  }

  async close(): Promise<void> {
    await this.flush();
    await this.handle.close();
  }
}

const RECORD_KEPT: ReadonlySet<string> = new Set(FIXED_VALUE_FIELDS);
/**
 * A parked message or a service reply is stored as read, key, payload and headers: retry and
 * resume deliver it again from the journal, so a secret value it happens to hold (or a short one
 * that occurs in its base64 text) must not change it.
 */
const STORED_MESSAGE_KEPT: ReadonlySet<string> = new Set([...FIXED_VALUE_FIELDS, 'key', 'payload', 'headers']);
/** The summary's components map holds only statuses. */
const SUMMARY_KEPT: ReadonlySet<string> = new Set([...FIXED_VALUE_FIELDS, 'components']);

/** Writes `summary.json` through a temp file and a rename, so a reader never sees half of it. */
export async function writeSummaryAtomically(directory: string, summary: RunSummary): Promise<void> {
  const temp = join(directory, `${SUMMARY_FILE}.${process.pid}.tmp`);
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(`${JSON.stringify(summary, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, join(directory, SUMMARY_FILE));
}

/** Appends records to the starting process's event log from another process, once that one has ended or died. */
export async function appendToRunJournal(directory: string, records: readonly NewJournalRecord[]): Promise<void> {
  const at = new Date().toISOString();
  await dropTornTail(join(directory, JOURNAL_FILE));
  await writeFile(join(directory, JOURNAL_FILE), records.map((r) => `${JSON.stringify({ ...r, at })}\n`).join(''), { flag: 'a' });
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
