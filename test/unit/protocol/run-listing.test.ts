// The one fold of a run's summary and records into the Runs view's data, over any source of runs (the folder's files, a store): newest first, counts, a journal that breaks off.
import { strict as assert } from 'node:assert';
import type { JournalRecord, RunSummary } from '../../../protocol/journal-records';
import { runListings, type ListedRuns } from '../../../protocol/run-listing';

const summary = (runId: string, status: RunSummary['status']): RunSummary => ({
  runId, flow: 'orders', flowFile: '/w/orders.flow.yaml', mode: 'warn', status, startedAt: '2026-11-29T01:00:00.000Z', components: { Db: status === 'running' ? 'running' : 'succeeded' }, reconciliation: [], parked: 0,
});
const delivered = (source: string): JournalRecord => ({ t: 'delivered', connection: 'Queue -> Db', traceId: source, key: null, source, target: 'x', at: '2026-11-29T01:00:01.000Z' });

/** Runs in memory as a store gives them; `breaks` ends a run's records with a read error after what it holds. */
function inMemory(runs: Record<string, { summary: RunSummary; records: JournalRecord[]; breaks?: true }>): ListedRuns {
  return {
    summaries: () => Promise.resolve(Object.values(runs).map((r) => r.summary)),
    location: (runId) => `db (schema s) run ${runId}`,
    eachRecord: async (runId, types, use) => {
      for (const r of runs[runId]!.records) if ((types as readonly string[]).includes(r.t)) use(r as never);
      if (runs[runId]!.breaks) throw new Error('connection lost');
    },
  };
}

describe('run listing', () => {
  it('lists every run newest first, each with the counts its records give and the location its source gives', async () => {
    const listed = await runListings(inMemory({
      '20261129-010000-aaaa': { summary: summary('20261129-010000-aaaa', 'succeeded'), records: [delivered('1'), delivered('2')] },
      '20261129-030000-cccc': { summary: summary('20261129-030000-cccc', 'interrupted'), records: [] },
      '20261129-020000-bbbb': { summary: summary('20261129-020000-bbbb', 'running'), records: [delivered('1')], breaks: true },
    }));
    assert.deepEqual(listed.map((r) => [r.runId, r.status, r.interrupted, r.components.map((c) => [c.name, c.status, c.received]), r.location]), [
      ['20261129-030000-cccc', 'interrupted', true, [['Db', 'succeeded', 0]], 'db (schema s) run 20261129-030000-cccc'],
      // A journal that breaks off shows what was read before the break.
      ['20261129-020000-bbbb', 'running', false, [['Db', 'running', 1]], 'db (schema s) run 20261129-020000-bbbb'],
      ['20261129-010000-aaaa', 'succeeded', false, [['Db', 'succeeded', 2]], 'db (schema s) run 20261129-010000-aaaa'],
    ]);
  });
});
