import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JournalError, readJournalRecords } from '../../../protocol/journal-files';

describe('readJournalRecords (a journal read line by line, for the records a summary needs)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ft-journal-records-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (...lines: string[]): void => writeFileSync(join(dir, 'journal.ndjson'), lines.join('\n'));

  it('returns exactly the records of the asked types, in journal order', async () => {
    write(
      '{"t":"in-flight","connection":"A -> B","traceId":"t1","key":"k1","source":"s/0@0","at":"1"}',
      '{"t":"parked","id":"p1","connection":"A -> B","component":"B","traceId":"t1","key":"k1","source":"s/0@0","payload":"","headers":{"t":"component"},"error":"e","attempts":3,"at":"2"}',
      '{"t":"component","component":"B","status":"failed","at":"3"}',
      '{"connection":"A -> B","traceId":"t2","key":"k2","source":"s/0@1","t":"delivered","target":"q#1","at":"4"}',
      '{"t":"unparked","id":"p1","target":"q#2","at":"5"}',
      '',
    );
    const records = await readJournalRecords(dir, ['component', 'unparked']);
    assert.deepEqual(records, [
      { t: 'component', component: 'B', status: 'failed', at: '3' },
      { t: 'unparked', id: 'p1', target: 'q#2', at: '5' },
    ]);
    assert.deepEqual((await readJournalRecords(dir, ['delivered'])).map((r) => r.key), ['k2']);
  });

  it('ignores a torn last line and refuses a damaged line in the middle', async () => {
    write('{"t":"component","component":"B","status":"running","at":"1"}', '{"t":"component","comp');
    assert.deepEqual((await readJournalRecords(dir, ['component'])).map((r) => r.status), ['running']);
    write('{"t":"component","comp', '{"t":"component","component":"B","status":"running","at":"1"}', '');
    await assert.rejects(readJournalRecords(dir, ['component']), JournalError);
  });
});
