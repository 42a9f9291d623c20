// Journal: a run's directory, its append-only event logs (`journal.ndjson`, one more per joined process; fsync'd before acks) and atomic `summary.json`.
import { createReadStream, existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { mkdir, open, readFile, readdir, rename, stat, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { JournalRecord, JournalRecordType, NewJournalRecord, RunSummary } from './journal-records';
import type { Redactor } from './redaction';

export const JOURNAL_FILE = 'journal.ndjson';
export const SUMMARY_FILE = 'summary.json';

/** The event log of a process that joined a run (`run --join`): one writer per file. */
export function workerJournalFile(worker: string): string {
  return `journal-${worker}.ndjson`;
}

/** The worker a journal file belongs to: `main` for the process that started the run. */
export function workerOfFile(file: string): string {
  const name = basename(file);
  return name === JOURNAL_FILE ? 'main' : name.replace(/^journal-/, '').replace(/\.ndjson$/, '');
}

/** Every event log of a run: the starting process's first, then the joined processes' in name order. */
export async function journalFiles(directory: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch {
    return [join(directory, JOURNAL_FILE)];
  }
  const joined = names.filter((n) => /^journal-.+\.ndjson$/.test(n)).sort();
  return [join(directory, JOURNAL_FILE), ...joined.map((n) => join(directory, n))];
}

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
  static async open(directory: string, redactor: Redactor, file = JOURNAL_FILE): Promise<Journal> {
    await mkdir(directory, { recursive: true });
    await dropTornTail(join(directory, file));
    const handle = await open(join(directory, file), 'a');
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

/**
 * `parseJournal` of one event log, read line by line: a million-message journal (over 500 MB) does
 * not fit in one string.
 */
export async function parseJournalFile(file: string): Promise<JournalContents> {
  const handle = await open(file, 'r');
  let complete: boolean;
  try {
    const { size } = await handle.stat();
    const last = Buffer.alloc(1);
    complete = size === 0 || ((await handle.read(last, 0, 1, size - 1)).bytesRead === 1 && last[0] === 0x0a);
  } finally {
    await handle.close();
  }
  const records: JournalRecord[] = [];
  let pending: { line: string; number: number } | undefined;
  let number = 0;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    number++;
    if (pending) records.push(parseRecord(pending.line, pending.number, file));
    pending = line === '' ? undefined : { line, number };
  }
  // As in parseJournal: an unterminated last line is a torn write, never a record.
  if (pending && complete) records.push(parseRecord(pending.line, pending.number, file));
  return { records, tornTail: pending !== undefined && !complete };
}

function parseRecord(line: string, number: number, file: string): JournalRecord {
  try {
    return JSON.parse(line) as JournalRecord;
  } catch {
    throw new JournalError(`${file}: line ${number} is not a journal record`);
  }
}

/** Reads every event log of a run (see `journalFiles`), one after the other. */
export async function readJournal(directory: string): Promise<JournalContents> {
  const files = await readJournalFiles(directory);
  return { records: files.flatMap((f) => f.records), tornTail: files.some((f) => f.tornTail) };
}

/** Each event log of a run on its own, with the worker that wrote it. */
export async function readJournalFiles(directory: string): Promise<(JournalContents & { readonly file: string; readonly worker: string })[]> {
  const out: (JournalContents & { file: string; worker: string })[] = [];
  for (const file of await journalFiles(directory)) {
    try {
      out.push({ ...(await parseJournalFile(file)), file, worker: workerOfFile(file) });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      if (basename(file) === JOURNAL_FILE) throw new JournalError(`no run at ${directory}`);
    }
  }
  return out;
}

/**
 * Only the records of the given types, read line by line: a long run's journal (hundreds of MB at a
 * million messages) would not fit in memory, or in one string, whole. A torn last line is ignored.
 */
export async function readJournalRecords<T extends JournalRecordType>(directory: string, types: readonly T[]): Promise<Extract<JournalRecord, { t: T }>[]> {
  const out: Extract<JournalRecord, { t: T }>[] = [];
  for (const file of await journalFiles(directory)) {
    if (basename(file) === JOURNAL_FILE || existsSync(file)) out.push(...(await readFileRecords(file, types)));
  }
  return out;
}

/** `readJournalRecords` over one event log. */
export async function readFileRecords<T extends JournalRecordType>(file: string, types: readonly T[]): Promise<Extract<JournalRecord, { t: T }>[]> {
  const out: Extract<JournalRecord, { t: T }>[] = [];
  await eachFileRecord(file, types, (r) => out.push(r));
  return out;
}

/** Calls `use` with each record of the given types of one event log, streaming; a torn last line is ignored. */
export async function eachFileRecord<T extends JournalRecordType>(file: string, types: readonly T[], use: (record: Extract<JournalRecord, { t: T }>) => void): Promise<void> {
  // A record's type is the only `"t":"…"` outside a string (quotes inside strings are escaped).
  const markers = types.map((t) => `"t":"${t}"`);
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
    if ((types as readonly string[]).includes(record.t)) use(record as Extract<JournalRecord, { t: T }>);
  }
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

function isAlive(pid: number | undefined): boolean {
  if (pid === undefined || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** This process as a worker of a shared run: `<host>-<pid>`, safe in a file name. */
export function workerId(): string {
  return `${hostname().replace(/[^A-Za-z0-9._-]/g, '_')}-${process.pid}`;
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

/** Marks every run still `running` whose processes are all gone as `interrupted`; returns their ids. */
export async function markInterruptedRuns(runsDir: string): Promise<string[]> {
  const marked: string[] = [];
  for (const summary of await listRuns(runsDir)) {
    if (summary.status !== 'running' || isAlive(summary.pid)) continue;
    const joined = await joinedWorkers(runDirectory(runsDir, summary.runId));
    if ((await Promise.all(joined.map(workerAlive))).some(Boolean)) continue;
    const directory = runDirectory(runsDir, summary.runId);
    const at = new Date().toISOString();
    await appendToRunJournal(directory, [{ t: 'interrupted', reason: 'the executor stopped without closing the run' }]);
    await writeSummaryAtomically(directory, { ...summary, status: 'interrupted', endedAt: at });
    marked.push(summary.runId);
  }
  return marked;
}

/** Appends records to the starting process's event log from another process, once that one has ended or died. */
export async function appendToRunJournal(directory: string, records: readonly NewJournalRecord[]): Promise<void> {
  const at = new Date().toISOString();
  await dropTornTail(join(directory, JOURNAL_FILE));
  await writeFile(join(directory, JOURNAL_FILE), records.map((r) => `${JSON.stringify({ ...r, at })}\n`).join(''), { flag: 'a' });
}
