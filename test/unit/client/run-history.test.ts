// The Runs view's reading of journals (the one fold of protocol/run-listing.ts, over the runs folder): runs newest first, components with counts, durations, actors.
import { strict as assert } from 'node:assert';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { failedComponents, lastStatuses, readRunHistory } from '../../../client/runs/run-history';
import { parseJournal } from '../../../protocol/journal-files';
import type { JournalRecord } from '../../../protocol/journal-records';
import { RunFold, runListing, type RunListing } from '../../../protocol/run-listing';

const summaryOf = (runId: string, status: string, components: Record<string, string>) =>
  ({ runId, flow: 'orders', flowFile: '/w/orders.flow.yaml', mode: 'warn', status, startedAt: '2026-11-29T01:00:00.000Z', components, reconciliation: [], parked: 0 });
const summary = (runId: string, status: string, components: Record<string, string>) => JSON.stringify(summaryOf(runId, status, components));

const line = (at: string, record: object) => JSON.stringify({ ...record, at });

const journal = [
  line('2026-11-29T01:00:00.000Z', { t: 'run-start', runId: 'r1', flow: 'orders', flowFile: '/w/orders.flow.yaml', mode: 'warn', actor: 'github:alice/42', versions: {} }),
  line('2026-11-29T01:00:00.100Z', { t: 'component', component: 'Service', status: 'running' }),
  line('2026-11-29T01:00:00.200Z', { t: 'delivered', connection: 'Queue -> Service', traceId: 'a', key: 'k1', source: '1', target: 'x' }),
  line('2026-11-29T01:00:00.300Z', { t: 'delivered', connection: 'Queue -> Service', traceId: 'b', key: 'k2', source: '2', target: 'x' }),
  line('2026-11-29T01:00:00.400Z', { t: 'parked', id: 'p1', connection: 'Service -> Db', component: 'Db', traceId: 'a', key: 'k1', source: 'reply:1', payload: '', headers: {}, error: 'boom', attempts: 3 }),
  line('2026-11-29T01:00:00.500Z', { t: 'parked', id: 'p2', connection: 'Service -> Db', component: 'Db', traceId: 'b', key: 'k2', source: 'reply:2', payload: '', headers: {}, error: 'boom', attempts: 3 }),
  line('2026-11-29T01:00:02.600Z', { t: 'component', component: 'Service', status: 'succeeded' }),
  line('2026-11-29T01:00:03.000Z', { t: 'retry-start', component: 'Db', actor: 'local:bob' }),
  line('2026-11-29T01:00:03.100Z', { t: 'unparked', id: 'p1', target: 'redelivered' }),
  '{"t":"delivered","connection":"Serv', // a torn last line
].join('\n');

/** A run's listing from its records in memory, folded as a runs folder's or a store's are. */
function foldRun(location: string, summary: Readonly<Record<string, unknown>>, records: Iterable<JournalRecord>): RunListing {
  const fold = new RunFold();
  for (const r of records) fold.add(r);
  return runListing(location, summary, fold);
}

describe('run history', () => {
  it('reads components with what they received, what is still parked, and durations', () => {
    const run = foldRun('/runs/r1', summaryOf('r1', 'failed', { Queue: 'succeeded', Service: 'succeeded', Db: 'failed' }), parseJournal(journal).records);
    assert.deepEqual(run.components, [
      { name: 'Queue', status: 'succeeded', received: 0, parked: 0, durationMs: undefined },
      { name: 'Service', status: 'succeeded', received: 2, parked: 0, durationMs: 2500 },
      { name: 'Db', status: 'failed', received: 0, parked: 1, durationMs: undefined },
    ]);
    assert.deepEqual(run.actors, [{ kind: 'github', login: 'alice', id: '42' }, { kind: 'local', name: 'bob' }]);
    assert.deepEqual(failedComponents(run), ['Db']);
    assert.equal(run.interrupted, false);
  });

  it('counts what each component received by the connections run-start lists, and by the label in older journals', () => {
    const records = [
      line('2026-11-29T01:00:00.000Z', { t: 'run-start', runId: 'r2', flow: 'orders', flowFile: '/w/orders.flow.yaml', mode: 'warn', actor: 'local:bob', versions: {}, connections: [{ connection: 'Queue -> Svc -> B', connectionIndex: 0, from: 'Queue', to: 'Svc -> B' }] }),
      line('2026-11-29T01:00:00.200Z', { t: 'delivered', connection: 'Queue -> Svc -> B', traceId: 'a', key: 'k1', source: '1', target: 'x' }),
    ].join('\n') + '\n';
    const run = foldRun('/runs/r2', summaryOf('r2', 'succeeded', { Queue: 'succeeded', 'Svc -> B': 'succeeded' }), parseJournal(records).records);
    assert.deepEqual(run.components.map((c) => [c.name, c.received]), [['Queue', 0], ['Svc -> B', 1]]);
  });

  it('lists the runs of a folder newest first and skips directories without a summary', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ft-runs-'));
    try {
      for (const [id, status] of [['20261129-010000-aaaa', 'succeeded'], ['20261129-020000-bbbb', 'interrupted']] as const) {
        await mkdir(join(dir, id));
        await writeFile(join(dir, id, 'summary.json'), summary(id, status, { Db: status === 'succeeded' ? 'succeeded' : 'running' }));
        await writeFile(join(dir, id, 'journal.ndjson'), status === 'interrupted' ? line('2026-11-29T02:00:00Z', { t: 'interrupted', reason: 'stopped' }) : '');
      }
      await mkdir(join(dir, '20261129-030000-cccc'));
      const runs = await readRunHistory(dir);
      assert.deepEqual(runs.map((r) => [r.runId, r.status, r.interrupted]), [['20261129-020000-bbbb', 'interrupted', true], ['20261129-010000-aaaa', 'succeeded', false]]);
      assert.deepEqual([...lastStatuses(runs, '/w/orders.flow.yaml')], [['Db', { status: 'running', runId: '20261129-020000-bbbb' }]]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads a missing runs folder as no runs', async () => {
    assert.deepEqual(await readRunHistory('/nonexistent/flowtracer/runs'), []);
  });
});
