import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyLimit } from '../../../executor/connectors/kafka-share';
import { markInterruptedRuns } from '../../../executor/run-interrupts';
import { RunOwnership } from '../../../executor/run-ownership';
import { folderRun, readJournal } from '../../support/run-folders';
import { readSummary } from '../../../protocol/journal-files';
import { writeSummaryAtomically } from '../../../executor/journal-writer';
import type { RunSummary } from '../../../protocol/journal-records';
import { sharedReconciliation } from '../../../executor/run-reconciliation';
import { inDoubtWindow } from '../../../executor/run-inspection';
import type { JournalRecord } from '../../../protocol/journal-records';
import { FolderRunStore } from '../../../executor/stores/folder-run-store';

const C = 'Orders -> Queue';
const lines = (records: readonly object[]): string => records.map((r) => `${JSON.stringify({ ...r, at: '2026-11-29T00:00:00.000Z' })}\n`).join('');
const sent = (source: string, key = source) => ({ t: 'in-flight', connection: C, traceId: 't', key, source });
const delivered = (source: string, key = source) => ({ t: 'delivered', connection: C, traceId: 't', key, source, target: 'q#1' });
const parked = (source: string) => ({ t: 'parked', id: `${C}@${source}`, connection: C, component: 'Queue', traceId: 't', key: source, source, payload: '', headers: {}, error: 'x', attempts: 1 });
const committed = (source: string) => ({ t: 'committed', connection: C, source });

/** Each process's in-flight window on its own (`show` reads them so, one event log at a time). */
function inDoubtAcrossWorkers(files: readonly { readonly worker: string; readonly records: readonly JournalRecord[] }[]) {
  return files.flatMap((f) => inDoubtWindow(f.records).map((d) => ({ ...d, worker: f.worker })));
}

describe('a run shared by several processes', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ft-shared-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('spreads a limit over the partitions, a short partition giving its rest to the others', () => {
    const ranges = [
      { partition: 0, start: 0n, end: 100n },
      { partition: 1, start: 10n, end: 12n },
      { partition: 2, start: 5n, end: 5n },
      { partition: 3, start: 0n, end: 100n },
    ];
    assert.deepEqual(applyLimit(ranges, 10), [
      { partition: 0, start: 0n, end: 4n },
      { partition: 1, start: 10n, end: 12n },
      { partition: 2, start: 5n, end: 5n },
      { partition: 3, start: 0n, end: 4n },
    ]);
    assert.deepEqual(applyLimit(ranges, 1000).map((r) => r.end), [100n, 12n, 5n, 100n]);
    assert.deepEqual(applyLimit(ranges, undefined), ranges);
  });

  it('keeps in doubt a position sent, not committed and sent again, even after the second send was committed', () => {
    const records = parseLines([sent('p/0@1'), delivered('p/0@1'), sent('p/0@1'), delivered('p/0@1'), committed('p/0@1'), sent('p/0@2'), committed('p/0@2')]);
    assert.deepEqual(inDoubtWindow(records).map((d) => d.source), ['p/0@1']);
  });

  it('reports each process\'s window on its own: another process committing a position does not close it', () => {
    const killed = parseLines([sent('p/0@7'), delivered('p/0@7')]);
    const survivor = parseLines([sent('p/0@7'), delivered('p/0@7'), committed('p/0@7')]);
    assert.deepEqual(inDoubtAcrossWorkers([{ worker: 'main', records: killed }, { worker: 'vm-2', records: survivor }]), [{ connection: C, key: 'p/0@7', source: 'p/0@7', worker: 'main' }]);
  });

  it('reconciles across the event logs, counting each position once', async () => {
    // main: 0@0 committed, 0@1 delivered but killed before its commit was journaled, 0@2 delivered and taken over.
    writeFileSync(join(dir, 'journal.ndjson'), lines([sent('p/0@0'), delivered('p/0@0'), committed('p/0@0'), sent('p/0@1'), delivered('p/0@1'), sent('p/0@2'), delivered('p/0@2')]));
    // vm-2 took partition 0 over from 0@2 and parked 0@3, then a retry delivered it.
    writeFileSync(join(dir, 'journal-vm-2.ndjson'), lines([sent('p/0@2'), delivered('p/0@2'), committed('p/0@2'), sent('p/0@3'), parked('p/0@3'), committed('p/0@3'), sent('p/0@3'), delivered('p/0@3'), committed('p/0@3')]));
    assert.deepEqual(await sharedReconciliation(folderRun(dir), [C]), [{ connection: C, read: 4, delivered: 4, parked: 0, filtered: 0, balanced: true }]);
  });

  it('calls unbalanced a position a killed process sent that no process settled, and not one another process delivered', async () => {
    // main was killed with 0@5 and 0@6 in flight; vm-2 took the partition over from 0@5 and delivered it, then the run
    // went on without 0@6 (no offset in between may be skipped, a marker or a compacted gap takes none of these).
    writeFileSync(join(dir, 'journal.ndjson'), lines([sent('p/0@4'), delivered('p/0@4'), committed('p/0@4'), sent('p/0@5'), sent('p/0@6')]));
    writeFileSync(join(dir, 'journal-vm-2.ndjson'), lines([sent('p/0@5'), delivered('p/0@5'), committed('p/0@5'), sent('p/0@9'), delivered('p/0@9'), committed('p/0@9')]));
    assert.deepEqual(await sharedReconciliation(folderRun(dir), [C]), [{ connection: C, read: 4, delivered: 3, parked: 0, filtered: 0, balanced: false }]);
    writeFileSync(join(dir, 'journal-vm-3.ndjson'), lines([sent('p/0@6'), delivered('p/0@6'), committed('p/0@6')]));
    assert.deepEqual(await sharedReconciliation(folderRun(dir), [C]), [{ connection: C, read: 4, delivered: 4, parked: 0, filtered: 0, balanced: true }]);
  });

  it('leaves a run running while a joined process holds its lock, and marks it interrupted once every process is gone', async () => {
    const R1 = '20261129-000000-00a1';
    const run = join(dir, R1);
    mkdirSync(run);
    const summary: RunSummary = { runId: R1, flow: 'f', flowFile: '/x/f.flow.yaml', mode: 'warn', status: 'running', startedAt: '2026-11-29T00:00:00.000Z', components: {}, reconciliation: [], parked: 0, pid: 2 ** 22 + 17 };
    await writeSummaryAtomically(run, summary);
    writeFileSync(join(run, 'journal.ndjson'), lines([{ t: 'run-start', runId: R1, flow: 'f', flowFile: '/x/f.flow.yaml', mode: 'warn', actor: 'a', versions: {} }]));
    writeFileSync(join(run, 'journal-w1.ndjson'), lines([{ t: 'worker', worker: 'w1', pid: process.pid, host: hostname() }]));
    const worker = await RunOwnership.claim(run, R1, { worker: 'w1' }, { signal: new AbortController().signal });
    assert.deepEqual(await markInterruptedRuns(new FolderRunStore(dir)), []);
    writeFileSync(join(run, 'journal-w1.ndjson'), lines([{ t: 'worker', worker: 'w1', pid: process.pid, host: hostname() }, { t: 'worker-end', worker: 'w1', status: 'succeeded' }]));
    await worker.release();
    assert.deepEqual(await markInterruptedRuns(new FolderRunStore(dir)), [R1]);
    assert.equal((await readSummary(run)).status, 'interrupted');
    assert.deepEqual((await readJournal(run)).records.map((r) => r.t), ['run-start', 'interrupted', 'worker', 'worker-end']);
  });
});

function parseLines(records: readonly object[]) {
  return lines(records).trim().split('\n').map((l) => JSON.parse(l) as Parameters<typeof inDoubtWindow>[0][number]);
}
