// Reading a run directory's journal: its event logs (streamed line by line, a torn last line ignored) and summary.json.
import { createReadStream, existsSync } from 'node:fs';
import { open, readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { expandedOfTypes, expandRecord, storedTypesOf } from './journal-batches';
import { isRunId, JOURNAL_FILE, SUMMARY_FILE, workerOfFile, type JournalRecord, type JournalRecordType, type RunSummary } from './journal-records';

/** The run directory or its files cannot be read as a journal. */
export class JournalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JournalError';
  }
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

export interface JournalContents {
  readonly records: readonly JournalRecord[];
  /** A last line cut short by a crash, ignored. */
  readonly tornTail: boolean;
}

/** Reads a journal, batch records as the records they hold; a torn last line (no newline or not JSON) is ignored, a bad line elsewhere is an error. */
export function parseJournal(text: string, file = JOURNAL_FILE): JournalContents {
  const lines = text.split('\n');
  const complete = text.endsWith('\n') || text === '';
  const last = lines.pop() ?? '';
  const records: JournalRecord[] = [];
  lines.forEach((line, i) => {
    if (line === '') return;
    try {
      records.push(...expandRecord(JSON.parse(line) as JournalRecord));
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
  const complete = !(await endsTorn(file));
  const records: JournalRecord[] = [];
  let pending: { line: string; number: number } | undefined;
  let number = 0;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    number++;
    if (pending) records.push(...expandRecord(parseRecord(pending.line, pending.number, file)));
    pending = line === '' ? undefined : { line, number };
  }
  // As in parseJournal: an unterminated last line is a torn write, never a record.
  if (pending && complete) records.push(...expandRecord(parseRecord(pending.line, pending.number, file)));
  return { records, tornTail: pending !== undefined && !complete };
}

/** Whether an event log's last line was cut short (no newline at its end): a crash mid-write. */
export async function endsTorn(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const last = Buffer.alloc(1);
    return size > 0 && !((await handle.read(last, 0, 1, size - 1)).bytesRead === 1 && last[0] === 0x0a);
  } finally {
    await handle.close();
  }
}

function parseRecord(line: string, number: number, file: string): JournalRecord {
  try {
    return JSON.parse(line) as JournalRecord;
  } catch {
    throw new JournalError(`${file}: line ${number} is not a journal record`);
  }
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
  await eachJournalRecord(directory, types, (r) => out.push(r));
  return out;
}

/** Calls `use` with each record of the given types of every event log of a run (and the file it is in), streaming. */
export async function eachJournalRecord<T extends JournalRecordType>(directory: string, types: readonly T[], use: (record: Extract<JournalRecord, { t: T }>, file: string) => void): Promise<void> {
  for (const file of await journalFiles(directory)) {
    if (basename(file) === JOURNAL_FILE || existsSync(file)) await eachFileRecord(file, types, (r) => use(r, file));
  }
}

/** Calls `use` with each record of the given types of one event log, streaming; a torn last line is ignored. */
async function eachFileRecord<T extends JournalRecordType>(file: string, types: readonly T[], use: (record: Extract<JournalRecord, { t: T }>) => void): Promise<void> {
  for await (const record of fileRecords(file, types)) use(record);
}

/**
 * The records of the given types of one event log, one at a time as the reader asks for them (a
 * source of parked messages reads their payloads so), batch records as the records they hold
 * unless their own type is asked for; a torn last line is ignored. Stopping early
 * closes the file.
 */
export async function* fileRecords<T extends JournalRecordType>(file: string, types: readonly T[]): AsyncGenerator<Extract<JournalRecord, { t: T }>> {
  // A record's type is the only `"t":"…"` outside a string (quotes inside strings are escaped).
  const stored = storedTypesOf(types);
  const markers = stored.map((t) => `"t":"${t}"`);
  const wanted = new Set<string>(types);
  let lineNumber = 0;
  let torn: number | undefined;
  const input = createReadStream(file);
  try {
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
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
      if (stored.includes(record.t)) yield* expandedOfTypes<T>(record, wanted);
    }
  } finally {
    input.destroy();
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

/** Every run under `runsDir`, by directory name; a summary's `runId` is its directory's name, whatever the file says. */
export async function listRuns(runsDir: string): Promise<RunSummary[]> {
  let names: string[];
  try {
    names = await readdir(runsDir);
  } catch {
    return [];
  }
  const runs: RunSummary[] = [];
  for (const name of names.sort()) {
    // Only run ids: the `.gitignore`, a stray folder, or a name that is not one are not runs.
    if (!isRunId(name)) continue;
    try {
      runs.push({ ...(await readSummary(join(runsDir, name))), runId: name });
    } catch {
      // A directory without a summary is not a run.
    }
  }
  return runs;
}
