import * as assert from 'node:assert/strict';
import { parseKeyPosition, keyPosition } from '../../../executor/connectors/key-position';
import { planRun, PlanRefused } from '../../../executor/plan';
import { keyedResumes } from '../../../executor/resume-positions';
import type { ResumeFrom } from '../../../executor/connectors/key-position';
import { LastCommitted } from '../../../executor/run-history';
import type { JournalRecord, NewJournalRecord } from '../../../protocol/journal-records';

const at = '2026-11-01T00:00:00.000Z';
const journal = (...records: NewJournalRecord[]): JournalRecord[] => records.map((r) => ({ ...r, at }) as JournalRecord);
const committed = (connection: string, source: string): NewJournalRecord => ({ t: 'committed', connection, source });
const parked = (connection: string, source: string): NewJournalRecord => ({
  t: 'parked', id: `${connection}@${source}`, connection, component: 'Copy', traceId: 't', key: null, source, payload: '', headers: {}, error: 'refused', attempts: 1,
});

/** A database → database and an api → service connection; `keyColumn` and the api's `key` as given. */
function plan(keys: { keyColumn?: string; apiKey?: string }) {
  return planRun(`flow: resumes
components:
  Outbox: { type: database, url: postgres://localhost/db }
  Copy: { type: database, url: postgres://localhost/db, table: copy }
  Events: { type: api, url: http://localhost/events${keys.apiKey ? `, key: "${keys.apiKey}"` : ''} }
  Ingest: { type: service, url: http://localhost/ingest }
connections:
  - from: Outbox
    to: Copy
    select: { query: SELECT id FROM outbox ORDER BY id }
${keys.keyColumn ? `    keyColumn: ${keys.keyColumn}\n` : ''}  - from: Events
    to: Ingest
`);
}
const ALL = new Set(['Outbox -> Copy', 'Events -> Ingest']);

/** Where each connection of these records resumes, as a resume reads it from the journal. */
function lastCommittedPositions(records: Iterable<JournalRecord>): Map<string, ResumeFrom> {
  const last = new LastCommitted();
  for (const r of records) last.add(r);
  return last.positions;
}

describe('where a resumed query or api source continues', () => {
  it('writes and reads key positions: JSON, then the occurrence of a repeated key', () => {
    assert.equal(keyPosition('42', 1), 'key "42"');
    assert.equal(keyPosition('a #2', 3), 'key "a #2" #3');
    assert.equal(keyPosition(null, 2), 'key null #2');
    assert.deepEqual(parseKeyPosition('key "a #2"'), { key: 'a #2', occurrence: 1 });
    assert.deepEqual(parseKeyPosition('key "a #2" #3'), { key: 'a #2', occurrence: 3 });
    assert.deepEqual(parseKeyPosition('key 7 #2'), { key: 7, occurrence: 2 });
    for (const other of ['row 3', 'item 3', 'orders/0@42', 'key nope', 'key "open']) assert.equal(parseKeyPosition(other), undefined, other);
  });

  it('takes each connection\'s last committed position and count, not a retry\'s re-delivery of a parked one', () => {
    const records = journal(
      { t: 'run-start', runId: 'r', flow: 'f', flowFile: '/f', mode: 'warn', actor: 'me', versions: {} },
      committed('A', 'key "1"'), parked('A', 'key "2"'), committed('A', 'key "2"'), committed('A', 'key "3"'),
      { t: 'retry-start' }, committed('A', 'key "2"'),
      { t: 'resumed' }, committed('A', 'key "4"'), committed('B', 'item 0'),
    );
    assert.deepEqual([...lastCommittedPositions(records)], [['A', { position: 'key "4"', committed: 4 }], ['B', { position: 'item 0', committed: 1 }]]);
    assert.deepEqual([...lastCommittedPositions(records.slice(0, 7))], [['A', { position: 'key "3"', committed: 3 }]]);
  });

  it('continues a query after its last key, and leaves an api to the runner\'s skip of committed keys', () => {
    const records = journal(committed('Outbox -> Copy', 'key "17"'), committed('Events -> Ingest', 'key "e1"'));
    assert.deepEqual([...keyedResumes('r1', plan({ keyColumn: 'id', apiKey: '$.id' }), lastCommittedPositions(records), ALL)], [['Outbox -> Copy', { position: 'key "17"', committed: 1 }]]);
    // A connection that committed nothing starts over: it needs no key.
    assert.deepEqual([...keyedResumes('r1', plan({}), new Map(), ALL)], []);
  });

  it('refuses a source read by row number or index, even once the flow has a key', () => {
    const refusal = (keys: { keyColumn?: string; apiKey?: string }, source: string): string => {
      try {
        keyedResumes('r1', plan(keys), lastCommittedPositions(journal(committed(source.startsWith('row') ? 'Outbox -> Copy' : 'Events -> Ingest', source))), ALL);
      } catch (error) {
        assert.ok(error instanceof PlanRefused);
        return error.message;
      }
      throw new Error('not refused');
    };
    assert.equal(refusal({ keyColumn: 'id', apiKey: '$.id' }, 'row 3000'),
      'run r1 cannot be resumed: `Outbox -> Copy` read database `Outbox` by row number (its connection had no `keyColumn` then), so nothing tells which rows it delivered (counting them would skip rows added or deleted since); start the flow again');
    assert.equal(refusal({ keyColumn: 'id', apiKey: '$.id' }, 'item 12'),
      'run r1 cannot be resumed: `Events -> Ingest` read api `Events` by index (the api had no `key` then), so nothing tells which items it delivered (counting them would skip items added or removed since); start the flow again');
    assert.match(refusal({ apiKey: '$.id' }, 'row 3000'), /^run r1 cannot be resumed: `Outbox -> Copy` reads database `Outbox` without `keyColumn`/);
  });
});
