import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal, JournalWriteError, type JournalFile } from '../../../executor/journal-writer';
import { readJournal } from '../../support/run-folders';
import { Redactor } from '../../../executor/redaction';

/** How the injected event log answers its `call`-th write (1-based): bytes to take (at most), or an errno to fail with. */
type WriteRule = (call: number, length: number) => number | string;

/** A real event log whose writes follow `rule`, and whose truncate fails when `truncateFails`. */
function scripted(rule: WriteRule, truncateFails = false): (path: string) => Promise<JournalFile> {
  return async (path) => {
    const handle = await open(path, 'a');
    let calls = 0;
    return {
      write: async (buffer, offset, length) => {
        const answer = rule(++calls, length);
        if (typeof answer === 'string') throw Object.assign(new Error(`${answer}: injected`), { code: answer });
        return handle.write(buffer, offset, Math.min(length, answer));
      },
      datasync: () => handle.datasync(),
      truncate: (length) => (truncateFails ? Promise.reject(Object.assign(new Error('EIO: injected'), { code: 'EIO' })) : handle.truncate(length)),
      stat: () => handle.stat(),
      close: () => handle.close(),
    };
  };
}

describe('Journal writes', () => {
  let dir: string;
  let run: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ft-journal-write-'));
    run = join(dir, 'run');
    file = join(run, 'journal.ndjson');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes every record whole when each write takes only 7 bytes', async () => {
    const asked: number[] = [];
    const journal = await Journal.open(run, new Redactor(), undefined, scripted((_, length) => {
      asked.push(length);
      return 7;
    }));
    journal.append({ t: 'resumed' });
    journal.append({ t: 'log', level: 'warn', message: 'a message longer than seven bytes' });
    await journal.flush();
    journal.append({ t: 'run-end', status: 'succeeded' });
    await journal.close();
    const { records, tornTail } = await readJournal(run);
    assert.deepEqual(records.map((r) => r.t), ['resumed', 'log', 'run-end']);
    assert.equal((records[1] as { message: string }).message, 'a message longer than seven bytes');
    assert.equal(tornTail, false);
    // Two flushes, each written 7 bytes at a time: each write is asked for what is left of its flush.
    const first = asked[0]!;
    const second = readFileSync(file).length - first;
    assert.equal(asked.length, Math.ceil(first / 7) + Math.ceil(second / 7));
  });

  it('fails with ENOSPC on the 3rd write: that flush, a flush queued behind it and every later one reject; nothing after reaches the file', async () => {
    const journal = await Journal.open(run, new Redactor(), undefined, scripted((call, length) => (call === 3 ? 'ENOSPC' : length)));
    const sentence = `journal write failed: ENOSPC at ${file}`;
    journal.append({ t: 'resumed' });
    await journal.flush();
    journal.append({ t: 'log', level: 'warn', message: 'second' });
    await journal.flush();
    journal.append({ t: 'log', level: 'warn', message: 'lost with the third write' });
    const third = journal.flush();
    const queued = journal.flush();
    await assert.rejects(third, (e: unknown) => e instanceof JournalWriteError && e.message === sentence && e.code === 'ENOSPC' && e.path === file);
    await assert.rejects(queued, { message: sentence });
    assert.equal(journal.writeFailed.aborted, true);
    assert.equal(journal.failure?.message, sentence);
    journal.append({ t: 'run-end', status: 'succeeded' });
    await assert.rejects(journal.flush(), { message: sentence });
    await journal.close();
    const { records, tornTail } = await readJournal(run);
    assert.deepEqual(records.map((r) => (r.t === 'log' ? r.message : r.t)), ['resumed', 'second']);
    assert.equal(tornTail, false);
  });

  it('cuts off the part of a failed flush already written (a short write, then ENOSPC): no half line stays', async () => {
    const journal = await Journal.open(run, new Redactor(), undefined, scripted((call, length) => (call === 2 ? 10 : call >= 3 ? 'ENOSPC' : length)));
    journal.append({ t: 'resumed' });
    await journal.flush();
    journal.append({ t: 'log', level: 'warn', message: 'half of it written' });
    await assert.rejects(journal.flush(), JournalWriteError);
    await journal.close();
    assert.equal(readFileSync(file, 'utf8').split('\n').length, 2, 'one whole line, nothing after it');
    const { records, tornTail } = await readJournal(run);
    assert.deepEqual(records.map((r) => r.t), ['resumed']);
    assert.equal(tornTail, false);
  });

  it('leaves a half line only as the last one, a torn tail readers drop, when even cutting it off fails', async () => {
    const journal = await Journal.open(run, new Redactor(), undefined, scripted((call, length) => (call === 2 ? 10 : call >= 3 ? 'ENOSPC' : length), true));
    journal.append({ t: 'resumed' });
    await journal.flush();
    journal.append({ t: 'log', level: 'warn', message: 'half of it written' });
    await assert.rejects(journal.flush(), JournalWriteError);
    journal.append({ t: 'run-end', status: 'failed' });
    await assert.rejects(journal.flush(), JournalWriteError);
    await journal.close();
    const { records, tornTail } = await readJournal(run);
    assert.deepEqual(records.map((r) => r.t), ['resumed']);
    assert.equal(tornTail, true);
    // The next process to open the journal (a resume) drops the torn tail and appends on a fresh line.
    const resumed = await Journal.open(run, new Redactor());
    resumed.append({ t: 'resumed' });
    await resumed.close();
    assert.deepEqual((await readJournal(run)).records.map((r) => r.t), ['resumed', 'resumed']);
  });

  it('fails a flush whose fsync fails, and every later one', async () => {
    const journal = await Journal.open(run, new Redactor(), undefined, async (path) => {
      const handle = await open(path, 'a');
      return { write: (b, o, l) => handle.write(b, o, l), datasync: () => Promise.reject(Object.assign(new Error('EIO: injected'), { code: 'EIO' })), truncate: (l) => handle.truncate(l), stat: () => handle.stat(), close: () => handle.close() };
    });
    journal.append({ t: 'resumed' });
    await assert.rejects(journal.flush(), { message: `journal write failed: EIO at ${file}` });
    await assert.rejects(journal.flush(), { message: `journal write failed: EIO at ${file}` });
    await journal.close();
    assert.deepEqual((await readJournal(run)).records, []);
  });
});
