import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resumeRun, retryRun, type EngineDeps } from '../../../executor/engine';
import { Journal, writeSummaryAtomically } from '../../../executor/journal-writer';
import { Redactor } from '../../../executor/redaction';
import { runDetails, traceMessage } from '../../../executor/run-inspection';
import { runDirectory } from '../../../executor/run-paths';
import { environmentSecrets } from '../../../executor/values';
import type { NewJournalRecord } from '../../../protocol/journal-records';
import { recordRun, type Fate } from '../../support/recorded-run';
import { FakeClock } from './fake-clock';
import { memoryWorld, seed, type MemoryWorld } from './memory-connectors';
import { FolderRunStore } from '../../../executor/stores/folder-run-store';

const FLOW = join(__dirname, 'fixtures', 'pipeline.flow.yaml');
const FED = 'OrderService -> Processed';
const ORDERS = 'Orders -> OrderQueue';
const finished = (...connections: string[]): NewJournalRecord[] => connections.map((connection) => ({ t: 'connection', connection, status: 'succeeded' }));

describe('resume and retry read the journal as a stream', () => {
  let runsDir: string;
  let world: MemoryWorld;
  const deps = (extra: Partial<EngineDeps> = {}): EngineDeps => ({
    connectors: world.factory, secrets: environmentSecrets({ FLOWTRACER_SECRET_RABBIT_PASSWORD: 'x' }), env: {},
    emit: () => undefined, runsDir, signal: new AbortController().signal, clock: new FakeClock(), random: () => 0.5, ...extra,
  });
  const values = (component: string) => (world.stores.get(component) ?? []).map((m) => JSON.parse(m.value.toString()) as unknown);

  /** An interrupted run of the pipeline fixture whose journal holds `records`, written by the journal's writer. */
  const interruptedRun = async (runId: string, records: readonly NewJournalRecord[]): Promise<void> => {
    const directory = runDirectory(runsDir, runId);
    const journal = await Journal.open(directory, new Redactor());
    journal.append({ t: 'run-start', runId, flow: 'pipeline', flowFile: FLOW, mode: 'warn', actor: 'test', versions: {} });
    for (const r of records) journal.append(r);
    await journal.close();
    await writeSummaryAtomically(directory, { runId, flow: 'pipeline', flowFile: FLOW, mode: 'warn', status: 'interrupted', startedAt: '2026-11-30T00:00:00.000Z', components: {}, reconciliation: [], parked: 0 });
  };

  beforeEach(() => {
    runsDir = mkdtempSync(join(tmpdir(), 'ft-history-'));
    world = memoryWorld();
  });
  afterEach(() => rmSync(runsDir, { recursive: true, force: true }));

  it('resume feeds exactly the replies not committed downstream, more of them than the channel holds', async () => {
    const replies: NewJournalRecord[] = Array.from({ length: 30 }, (_, i) => ({
      t: 'reply', id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, component: 'OrderService', traceId: `t${i}`, key: `k${i}`, payload: Buffer.from(JSON.stringify({ reply: i })).toString('base64'), headers: {},
    }));
    const committed: NewJournalRecord[] = replies.filter((_, i) => i % 3 === 0).map((r) => ({ t: 'committed', connection: FED, source: `reply:${(r as { id: string }).id}` }));
    await interruptedRun('20261201-000001-a001', [...finished(ORDERS, 'Audit -> AuditQueue', 'OrderQueue -> OrderService'), ...replies.slice(0, 20), ...committed.slice(0, 5), ...replies.slice(20), ...committed.slice(5)]);
    // Two in flight: the reply channel holds four, fewer than the twenty replies to feed again.
    const result = await resumeRun('20261201-000001-a001', deps({ maxInFlight: 2 }));
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(values('Processed'), Array.from({ length: 30 }, (_, i) => i).filter((i) => i % 3 !== 0).map((i) => ({ reply: i })));
    assert.equal(world.stores.get('OrderQueue'), undefined, 'nothing else ran');
  });

  it('retry re-delivers exactly the open parked messages, each with the payload of its last park, in park order', async () => {
    seed(world, 'Orders', []);
    const park = (n: number, payload: unknown): NewJournalRecord => ({
      t: 'parked', id: `${ORDERS}@Orders@${n}`, connection: ORDERS, component: 'OrderQueue', traceId: `t${n}`, key: `k${n}`, source: `Orders@${n}`,
      payload: Buffer.from(JSON.stringify(payload)).toString('base64'), headers: { n: String(n) }, error: 'HTTP 503', attempts: 3,
    });
    await interruptedRun('20261201-000002-a002', [
      park(1, { orderId: 1 }), park(2, { orderId: 2 }), park(3, { orderId: 3, first: true }), park(4, { orderId: 4 }),
      { t: 'unparked', id: `${ORDERS}@Orders@2`, target: 'redelivered' },
      park(3, { orderId: 3 }),
      { t: 'connection', connection: ORDERS, status: 'failed' }, ...finished('Audit -> AuditQueue', 'OrderQueue -> OrderService', FED),
    ]);
    const result = await retryRun('20261201-000002-a002', 'OrderQueue', deps());
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(values('OrderQueue'), [{ orderId: 1 }, { orderId: 4 }, { orderId: 3 }]);
    assert.deepEqual(world.stores.get('OrderQueue')!.map((m) => m.headers.n), ['1', '4', '3']);
    assert.equal(result.parked, 0);
  });

  it('show and trace fold a recorded run to what they print', async () => {
    const fates: Record<string, Fate> = { '0@2': 'parked', '1@1': 'refused', '0@4': 'killed', '1@4': 'killed' };
    const fate = (p: number, o: number): Fate => fates[`${p}@${o}`] ?? (o < 5 ? 'committed' : 'unread');
    await recordRun({
      runsDir, runId: '20261201-000003-a003', flow: 'pipeline', flowFile: FLOW, source: 'Orders', target: 'OrderQueue', topic: 'orders', partitions: 2, perPartition: 8,
      fate, key: (p, o) => `k${p}-${o}`, payload: () => Buffer.from('{}'), flushEvery: 3,
    });
    const details = await runDetails(new FolderRunStore(runsDir), '20261201-000003-a003');
    assert.deepEqual(details.parked, [{ connection: ORDERS, component: 'OrderQueue', key: 'k0-2', source: 'orders/0@2', error: 'HTTP 503 (gave up after 3 attempts: max attempts)' }]);
    assert.deepEqual(details.inDoubt, [
      { connection: ORDERS, key: 'k1-1', source: 'orders/1@1', worker: 'main' },
      { connection: ORDERS, key: 'k0-4', source: 'orders/0@4', worker: 'main' },
      { connection: ORDERS, key: 'k1-4', source: 'orders/1@4', worker: 'main' },
    ]);
    assert.deepEqual(details.workers, [{ worker: 'main', delivered: 7, ended: false }]);
    assert.deepEqual((await traceMessage(new FolderRunStore(runsDir), 'k1-1')).map((h) => [h.runId, h.source, h.outcome]), [['20261201-000003-a003', 'orders/1@1', '(default)/OrderQueue#4']]);
    assert.deepEqual((await traceMessage(new FolderRunStore(runsDir), 'k0-2')).map((h) => h.outcome), ['parked: HTTP 503 (gave up after 3 attempts: max attempts)']);
  });
});
