import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync, appendFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal, writeSummaryAtomically } from '../../../executor/journal-writer';
import { markInterruptedRuns } from '../../../executor/run-interrupts';
import { readJournal } from '../../support/run-folders';
import { parseJournal, parseJournalFile, readSummary, JournalError } from '../../../protocol/journal-files';
import type { JournalRecord, RunSummary } from '../../../protocol/journal-records';
import { MASK, Redactor } from '../../../executor/redaction';
import { RunOwnership } from '../../../executor/run-ownership';
import { FolderRunStore } from '../../../executor/stores/folder-run-store';

const summary = (runId: string, extra: Partial<RunSummary> = {}): RunSummary => ({
  runId, flow: 'f', flowFile: '/x/f.flow.yaml', mode: 'warn', status: 'running', startedAt: '2026-11-29T00:00:00.000Z', components: {}, reconciliation: [], parked: 0, ...extra,
});

describe('Journal', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ft-journal-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('appends records durably only on flush, as one line each, with secrets masked', async () => {
    const redactor = new Redactor();
    redactor.addSecret('pw-9');
    const journal = await Journal.open(join(dir, 'run'), redactor);
    journal.append({ t: 'log', level: 'warn', message: 'bad pw-9' });
    assert.equal(readFileSync(join(dir, 'run', 'journal.ndjson'), 'utf8'), '');
    await journal.flush();
    journal.append({ t: 'run-end', status: 'succeeded' });
    await journal.close();
    const { records, tornTail } = await readJournal(join(dir, 'run'));
    assert.deepEqual(records.map((r) => r.t), ['log', 'run-end']);
    assert.equal((records[0] as { message: string }).message, `bad ${MASK}`);
    assert.equal(tornTail, false);
  });

  it('stores a parked message and a reply byte for byte, secrets and all, while masking the record\'s other fields', async () => {
    const redactor = new Redactor();
    redactor.addSecret('a');
    redactor.addSecret('hunter2');
    // Bytes holding both secrets whose base64 text holds them too (the JSON is 39 bytes: the tail's base64 starts afresh), a key and headers with both.
    const bytes = Buffer.concat([Buffer.from('{"user":"alice","password":"hunter2"}  '), Buffer.from('hunter2a', 'base64')]);
    const payload = bytes.toString('base64');
    assert.ok(payload.endsWith('hunter2a'));
    const headers = { 'x-user': 'alice', 'x-token': 'hunter2', traceparent: '00-aaaa-bbbb-01' };
    const journal = await Journal.open(join(dir, 'run'), redactor);
    journal.append({ t: 'parked', id: 'c@1', connection: 'Q -> S', component: 'S', traceId: 't', key: 'order-a', source: 'q:1', payload, headers, error: 'refused hunter2', attempts: 1 });
    journal.append({ t: 'reply', id: 'r1', component: 'S', traceId: 't', key: 'order-a', payload, headers });
    journal.append({ t: 'component', component: 'S', status: 'failed', reason: 'hunter2 refused' });
    await journal.close();
    const { records } = await readJournal(join(dir, 'run'));
    // Record types and statuses are the executor's own words: an 'a' masked in them would lose the parked message.
    assert.deepEqual(records.map((r) => [r.t, 'status' in r ? r.status : undefined]), [['parked', undefined], ['reply', undefined], ['component', 'failed']]);
    assert.equal((records[2] as Extract<JournalRecord, { t: 'component' }>).reason, `${MASK} refused`);
    const [parked, reply] = records as Extract<JournalRecord, { t: 'parked' | 'reply' }>[];
    for (const stored of [parked!, reply!]) {
      assert.ok(Buffer.from(stored.payload!, 'base64').equals(bytes), `${stored.t}: the payload is the bytes as read`);
      assert.deepEqual(stored.headers, headers);
      assert.equal(stored.key, 'order-a');
    }
    assert.equal((parked as Extract<JournalRecord, { t: 'parked' }>).error, `refused ${MASK}`);
  });

  it('ignores a torn last line left by a crash', () => {
    const text = '{"t":"resumed","at":"a"}\n{"t":"delivered","conn';
    const { records, tornTail } = parseJournal(text);
    assert.deepEqual(records, [{ t: 'resumed', at: 'a' }]);
    assert.equal(tornTail, true);
  });

  it('reads an event log line by line exactly as parseJournal reads its text (complete, torn, blank lines, empty)', async () => {
    for (const text of ['', '{"t":"resumed","at":"a"}\n', '{"t":"resumed","at":"a"}\n\n{"t":"run-end","status":"succeeded"}\n',
      '{"t":"resumed","at":"a"}\n{"t":"delivered","conn', '{"t":"resumed","at":"a"}\n{"t":"run-end","status":"succeeded"}']) {
      const file = join(dir, 'events.ndjson');
      writeFileSync(file, text);
      assert.deepEqual(await parseJournalFile(file), parseJournal(text), JSON.stringify(text));
    }
    writeFileSync(join(dir, 'bad.ndjson'), '{"t":"resumed","at":"a"}\nnot json\n{"t":"run-end","status":"succeeded"}\n');
    await assert.rejects(parseJournalFile(join(dir, 'bad.ndjson')), /line 2 is not a journal record/);
  });

  it('refuses a damaged line in the middle', () => {
    assert.throws(() => parseJournal('{"t":"resumed","at":"a"}\nnot json\n{"t":"resumed","at":"b"}\n'), JournalError);
  });

  it('drops a torn tail before appending again, so the journal stays readable', async () => {
    mkdirSync(join(dir, 'run'));
    writeFileSync(join(dir, 'run', 'journal.ndjson'), '{"t":"resumed","at":"a"}\n{"t":"deliv');
    const journal = await Journal.open(join(dir, 'run'), new Redactor());
    journal.append({ t: 'resumed' });
    await journal.close();
    const { records, tornTail } = await readJournal(join(dir, 'run'));
    assert.equal(records.length, 2);
    assert.equal(tornTail, false);
  });

  it('drops a torn tail longer than the block it reads backwards in, and keeps a journal that ends complete', async () => {
    mkdirSync(join(dir, 'run'));
    const file = join(dir, 'run', 'journal.ndjson');
    const first = '{"t":"resumed","at":"a"}\n';
    writeFileSync(file, `${first}{"t":"parked","payload":"${'x'.repeat(200_000)}`);
    await (await Journal.open(join(dir, 'run'), new Redactor())).close();
    assert.equal(readFileSync(file, 'utf8'), first);
    await (await Journal.open(join(dir, 'run'), new Redactor())).close();
    assert.equal(readFileSync(file, 'utf8'), first);
  });

  it('writes the summary atomically: complete JSON and no temp file left', async () => {
    await writeSummaryAtomically(dir, summary('r1'));
    await writeSummaryAtomically(dir, summary('r1', { status: 'succeeded' }));
    assert.deepEqual(readdirSync(dir), ['summary.json']);
    assert.equal((await readSummary(dir)).status, 'succeeded');
  });

  it('marks a run left running by a dead process as interrupted, and leaves one whose owner holds its lock alone', async () => {
    // Run directories are named by run ids; only those are runs.
    const DEAD = '20261129-000000-dead';
    const LIVE = '20261129-000000-beef';
    mkdirSync(join(dir, DEAD));
    mkdirSync(join(dir, LIVE));
    await writeSummaryAtomically(join(dir, DEAD), summary(DEAD, { pid: 2 ** 22 + 17 }));
    appendFileSync(join(dir, DEAD, 'journal.ndjson'), '{"t":"resumed","at":"a"}\n{"t":"in-fl');
    // The lock a process killed on this machine left behind: fresh, but its pid is gone.
    mkdirSync(join(dir, DEAD, 'owner.lock'));
    const { ino } = statSync(join(dir, DEAD, 'owner.lock'));
    writeFileSync(join(dir, DEAD, 'owner.json'), JSON.stringify({ host: hostname(), pid: 2 ** 22 + 17, since: '2026-11-29T00:00:00.000Z', staleMs: 30_000, lock: { ino } }));
    await writeSummaryAtomically(join(dir, LIVE), summary(LIVE, { pid: 2 ** 22 + 18 }));
    const owner = await RunOwnership.claim(join(dir, LIVE), LIVE, 'main', { signal: new AbortController().signal });
    try {
      assert.deepEqual(await markInterruptedRuns(new FolderRunStore(dir)), [DEAD]);
    } finally {
      await owner.release();
    }
    assert.equal((await readSummary(join(dir, DEAD))).status, 'interrupted');
    assert.equal((await readSummary(join(dir, LIVE))).status, 'running');
    const { records } = await readJournal(join(dir, DEAD));
    assert.deepEqual(records.map((r) => r.t), ['resumed', 'interrupted']);
  });
});
