import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTotals } from '../../../executor/run-reconciliation';
import { folderRun } from '../../support/run-folders';

const K = 'Orders -> Queue';
const M = 'Intake -> Service';
const D = 'Audit -> Log';
const lines = (records: readonly object[]): string => records.map((r) => `${JSON.stringify({ ...r, at: '2026-11-29T00:00:00.000Z' })}\n`).join('');
const delivered = (connection: string, source: string, target = 'q#1') => ({ t: 'delivered', connection, traceId: 't', key: source, source, target });
const parked = (connection: string, source: string) => ({ t: 'parked', id: `${connection}@${source}`, connection, component: 'Service', traceId: 't', key: source, source, payload: '', headers: {}, error: 'x', attempts: 1 });
const filtered = (connection: string, source: string) => ({ t: 'filtered', connection, traceId: 't', key: source, source, reason: 'schema' });
const committed = (connection: string, source: string) => ({ t: 'committed', connection, source });
const ended = (connection: string, status = 'succeeded') => ({ t: 'connection', connection, status });

describe('a run\'s totals across its segments', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ft-totals-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('counts each message once across killed segments, a resume and a retry', async () => {
    const file = join(dir, 'journal.ndjson');
    writeFileSync(file, lines([
      { t: 'run-start', runId: 'r', flow: 'f', flowFile: '/f.flow.yaml', mode: 'warn', actor: 'a', versions: {} },
      // Killed: Kafka o/0@2 and AMQP a:2 were sent and never committed; the dry-run connection had read one.
      delivered(K, 'o/0@0'), committed(K, 'o/0@0'), delivered(K, 'o/0@1'), committed(K, 'o/0@1'), delivered(K, 'o/0@2'),
      delivered(M, 'a:1'), committed(M, 'a:1'), delivered(M, 'a:2'), delivered(D, 'row 1', 'dry-run'),
      // And between Kafka's commit of o/0@9 and its journal record: the resume does not read it again.
      delivered(K, 'o/0@9'),
      { t: 'interrupted', reason: 'killed' },
      // The resume: Kafka reads o/0@2 again under its position, RabbitMQ redelivers a:2 on a new channel as b:1.
      { t: 'resumed' },
      delivered(K, 'o/0@2'), committed(K, 'o/0@2'), delivered(K, 'o/0@3'), committed(K, 'o/0@3'), ended(K),
      delivered(M, 'b:1'), committed(M, 'b:1'), parked(M, 'b:2'), committed(M, 'b:2'), parked(M, 'b:3'), committed(M, 'b:3'), ended(M, 'failed'),
      delivered(D, 'row 1', 'dry-run'), filtered(D, 'row 2'), ended(D),
      { t: 'reconciliation', connections: [{ connection: K, read: 2, delivered: 2, parked: 0, filtered: 0, balanced: true }, { connection: M, read: 3, delivered: 1, parked: 2, filtered: 0, balanced: true }, { connection: D, read: 2, delivered: 1, parked: 0, filtered: 1, balanced: true }] },
      // The retry delivers b:2 and parks b:3 again.
      { t: 'retry-start' },
      delivered(M, 'b:2'), committed(M, 'b:2'), parked(M, 'b:3'), committed(M, 'b:3'), ended(M, 'failed'),
      { t: 'reconciliation', connections: [{ connection: M, read: 2, delivered: 1, parked: 1, filtered: 0, balanced: true }] },
    ]));
    assert.deepEqual(await runTotals(folderRun(dir), [K, M, D], new Set([M])), {
      resumed: 1,
      reconciliation: [
        { connection: K, read: 5, delivered: 5, parked: 0, filtered: 0, balanced: true },
        { connection: M, read: 4, delivered: 3, parked: 1, filtered: 0, balanced: true },
        { connection: D, read: 2, delivered: 1, parked: 0, filtered: 1, balanced: true },
      ],
    });
  });

  it('stays unbalanced when any segment did not balance', async () => {
    const file = join(dir, 'journal.ndjson');
    writeFileSync(file, lines([
      { t: 'run-start', runId: 'r', flow: 'f', flowFile: '/f.flow.yaml', mode: 'warn', actor: 'a', versions: {} },
      delivered(K, 'o/0@0'), committed(K, 'o/0@0'),
      { t: 'reconciliation', connections: [{ connection: K, read: 2, delivered: 1, parked: 0, filtered: 0, balanced: false }] },
      { t: 'resumed' }, delivered(K, 'o/0@1'), committed(K, 'o/0@1'),
      { t: 'reconciliation', connections: [{ connection: K, read: 1, delivered: 1, parked: 0, filtered: 0, balanced: true }] },
    ]));
    assert.deepEqual((await runTotals(folderRun(dir), [K], new Set())).reconciliation, [{ connection: K, read: 2, delivered: 2, parked: 0, filtered: 0, balanced: false }]);
  });
});
