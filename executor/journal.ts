// Journal: a run's directory, its append-only `journal.ndjson` (fsync'd before acks) and atomic `summary.json`.
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, truncate, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { JournalRecord, JournalRecordType, NewJournalRecord, RunSummary } from './journal-records';
import type { Redactor } from './redaction';

export const JOURNAL_FILE = 'journal.ndjson';
export const SUMMARY_FILE = 'summary.json';

/** The run directory or its files cannot be read as a journal. */
export class JournalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JournalError';
  }
}

export function runDirectory(runsDir: string, runId: string): string {
  return join(runsDir, runId);
}

/** A run id that sorts by time: `20261129-012233-ab12`. */
export function newRunId(now: Date = new Date(), random: () => number = Math.random): string {
  const iso = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${iso}-${Math.floor(random() * 0xffff).toString(16).padStart(4, '0')}`;
}

export class Journal {
  private pending: string[] = [];
  private flushing: Promise<void> = Promise.resolve();

  private constructor(
    readonly directory: string,
    private readonly handle: FileHandle,
    private readonly redactor: Redactor,
  ) {}

  /** Opens (creating if needed) the journal of a run for appending. */
  static async open(directory: string, redactor: Redactor): Promise<Journal> {
    await mkdir(directory, { recursive: true });
    await dropTornTail(join(directory, JOURNAL_FILE));
    const handle = await open(join(directory, JOURNAL_FILE), 'a');
    return new Journal(directory, handle, redactor);
  }

  /** Queues a record; it is durable only once a later `flush` resolved. Secrets are masked first. */
  append(record: NewJournalRecord): void {
    const stamped = { ...this.redactor.redactDeep(record), at: new Date().toISOString() };
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
    await writeSummaryAtomically(this.directory, this.redactor.redactDeep(summary));
  }

  async close(): Promise<void> {
    await this.flush();
    await this.handle.close();
  }
}

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

export interface JournalContents {
  readonly records: readonly JournalRecord[];
  /** A last line cut short by a crash, ignored. */
  readonly tornTail: boolean;
}

/** Reads a journal; a torn last line (no newline or not JSON) is ignored, a bad line elsewhere is an error. */
export function parseJournal(text: string, file = JOURNAL_FILE): JournalContents {
  const lines = text.split('\n');
  const complete = text.endsWith('\n') || text === '';
  const last = lines.pop() ?? '';
  const records: JournalRecord[] = [];
  lines.forEach((line, i) => {
    if (line === '') return;
    try {
      records.push(JSON.parse(line) as JournalRecord);
    } catch {
      if (i === lines.length - 1 && !complete) return;
      throw new JournalError(`${file}: line ${i + 1} is not a journal record`);
    }
  });
  return { records, tornTail: !complete && last !== '' };
}

export async function readJournal(directory: string): Promise<JournalContents> {
  try {
    return parseJournal(await readFile(join(directory, JOURNAL_FILE), 'utf8'), join(directory, JOURNAL_FILE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new JournalError(`no run at ${directory}`);
    throw error;
  }
}

/**
 * Only the records of the given types, read line by line: a long run's journal (hundreds of MB at a
 * million messages) would not fit in memory, or in one string, whole. A torn last line is ignored.
 */
export async function readJournalRecords<T extends JournalRecordType>(directory: string, types: readonly T[]): Promise<Extract<JournalRecord, { t: T }>[]> {
  const file = join(directory, JOURNAL_FILE);
  // A record's type is the only `"t":"…"` outside a string (quotes inside strings are escaped).
  const markers = types.map((t) => `"t":"${t}"`);
  const out: Extract<JournalRecord, { t: T }>[] = [];
  let lineNumber = 0;
  let torn: number | undefined;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    lineNumber++;
    if (torn !== undefined) throw new JournalError(`${file}: line ${torn} is not a journal record`);
    if (!markers.some((m) => line.includes(m))) continue;
    let record: JournalRecord;
    try {
      record = JSON.parse(line) as JournalRecord;
    } catch {
      torn = lineNumber;
      continue;
    }
    if ((types as readonly string[]).includes(record.t)) out.push(record as Extract<JournalRecord, { t: T }>);
  }
  return out;
}

export async function readSummary(directory: string): Promise<RunSummary> {
  try {
    return JSON.parse(await readFile(join(directory, SUMMARY_FILE), 'utf8')) as RunSummary;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new JournalError(`no run at ${directory}`);
    throw new JournalError(`${join(directory, SUMMARY_FILE)} cannot be read: ${(error as Error).message}`);
  }
}

export async function listRuns(runsDir: string): Promise<RunSummary[]> {
  let names: string[];
  try {
    names = await readdir(runsDir);
  } catch {
    return [];
  }
  const runs: RunSummary[] = [];
  for (const name of names.sort()) {
    try {
      runs.push(await readSummary(join(runsDir, name)));
    } catch {
      // A directory without a summary is not a run.
    }
  }
  return runs;
}

/** Cuts a torn last line (a crash mid-write) so that appends start on a fresh line. */
async function dropTornTail(file: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return;
  }
  if (text === '' || text.endsWith('\n')) return;
  await truncate(file, Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1)));
}

function isAlive(pid: number | undefined): boolean {
  if (pid === undefined || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Marks every run still `running` whose process is gone as `interrupted`; returns their ids. */
export async function markInterruptedRuns(runsDir: string): Promise<string[]> {
  const marked: string[] = [];
  for (const summary of await listRuns(runsDir)) {
    if (summary.status !== 'running' || isAlive(summary.pid)) continue;
    const directory = runDirectory(runsDir, summary.runId);
    const at = new Date().toISOString();
    await dropTornTail(join(directory, JOURNAL_FILE));
    await writeFile(join(directory, JOURNAL_FILE), `${JSON.stringify({ t: 'interrupted', reason: 'the executor stopped without closing the run', at })}\n`, { flag: 'a' });
    await writeSummaryAtomically(directory, { ...summary, status: 'interrupted', endedAt: at });
    marked.push(summary.runId);
  }
  return marked;
}
