// The Runs view of a run store, as the extension reads it: the built executor child answers list-runs and read-run from PostgreSQL with the same listing the runs folder gives.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ExecutorProcess, ExecutorQueryError } from '../../../client/executor/executor-process';
import { readRunHistory } from '../../../client/runs/run-history';
import type { JournalRecord, RunSummary } from '../../../protocol/journal-records';
import { DEFAULT_PG_URL } from '../../support/service-reachability';
import { CLI, runCli } from './cli-process';

const RUN_ID = '20261201-100000-5a01';
const at = (ms: number): string => new Date(Date.UTC(2026, 11, 1, 10, 0, 0, ms)).toISOString();

/** A failed run with a parked message retried and one still parked, and a joined process's log: what the listing folds. */
function writeRun(runsDir: string): void {
  const dir = join(runsDir, RUN_ID);
  mkdirSync(dir, { recursive: true });
  const summary: RunSummary = {
    runId: RUN_ID, flow: 'orders', flowFile: '/w/orders.flow.yaml', mode: 'warn', status: 'failed', startedAt: at(0), endedAt: at(900),
    components: { Queue: 'succeeded', Db: 'failed' }, reconciliation: [], parked: 1,
    connections: [{ connection: 'Queue -> Db', connectionIndex: 0, from: 'Queue', to: 'Db' }],
  };
  const parked = (id: string, ms: number): JournalRecord => ({ t: 'parked', id, connection: 'Queue -> Db', component: 'Db', traceId: id, key: id, source: `q#${id}`, payload: 'e30=', headers: {}, error: 'refused', attempts: 2, at: at(ms) });
  const main: JournalRecord[] = [
    { t: 'run-start', runId: RUN_ID, flow: 'orders', flowFile: '/w/orders.flow.yaml', mode: 'warn', actor: 'github:alice/42', versions: {}, connections: summary.connections!, at: at(0) },
    { t: 'component', component: 'Db', status: 'running', at: at(100) },
    { t: 'in-flight', connection: 'Queue -> Db', traceId: 't1', key: 'k1', source: 'q#1', at: at(150) },
    { t: 'delivered', connection: 'Queue -> Db', traceId: 't1', key: 'k1', source: 'q#1', target: 'x', at: at(200) },
    parked('p1', 300),
    parked('p2', 310),
    { t: 'component', component: 'Db', status: 'failed', at: at(600) },
    { t: 'retry-start', component: 'Db', actor: 'local:bob', at: at(700) },
    { t: 'unparked', id: 'p1', target: 'redelivered', at: at(800) },
  ];
  const joined: JournalRecord[] = [{ t: 'worker', worker: 'w2', pid: 7, host: 'h', at: at(50) }, { t: 'delivered', connection: 'Queue -> Db', traceId: 't2', key: 'k2', source: 'q#2', target: 'x', at: at(250) }];
  writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary));
  writeFileSync(join(dir, 'journal.ndjson'), main.map((r) => `${JSON.stringify(r)}\n`).join(''));
  writeFileSync(join(dir, 'journal-w2.ndjson'), joined.map((r) => `${JSON.stringify(r)}\n`).join(''));
}

describe('the Runs view of a run store, read through the executor child', function () {
  this.timeout(60_000);
  const tag = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const schema = `ft_listing_${tag}`;
  const base = process.env.FLOWTRACER_TEST_PG_URL ?? DEFAULT_PG_URL;
  const url = `${base}?schema=${schema}`;
  let dir: string;
  const child = (): ExecutorProcess => new ExecutorProcess(CLI, dir);

  before(() => (dir = mkdtempSync(join(tmpdir(), 'ft-listing-'))));
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  it('lists a store\'s runs exactly as the runs folder lists them, but for where they are', async () => {
    const runsDir = join(dir, 'runs');
    writeRun(runsDir);
    const migrated = await runCli(['runs', 'migrate', '--runs-dir', runsDir, '--runs-store', url, '--json']);
    assert.equal(migrated.code, 0, migrated.stderr);
    const fromFolder = await readRunHistory(runsDir);
    const fromStore = await child().ask({ type: 'list-runs', runsStore: url }, (e) => (e.type === 'runs-listed' ? e.runs : undefined));
    assert.deepEqual(fromStore.map((r) => r.location), [`${base} (schema ${schema}) run ${RUN_ID}`]);
    // What travels over IPC is JSON: fields the folder's listing holds as undefined are absent.
    const json = (runs: readonly object[]): unknown => JSON.parse(JSON.stringify(runs.map((r) => ({ ...r, location: '' }))));
    assert.deepEqual(fromStore.map((r) => ({ ...r, location: '' })), json(fromFolder));
    const [run] = fromStore;
    assert.deepEqual(run?.components, [
      { name: 'Queue', status: 'succeeded', received: 0, parked: 0 },
      { name: 'Db', status: 'failed', received: 2, parked: 1, durationMs: 500 },
    ]);
    assert.deepEqual(run?.actors, [{ kind: 'github', login: 'alice', id: '42' }, { kind: 'local', name: 'bob' }]);
  });

  it('reads one run\'s summary and records of the types asked for, every process\'s log in order', async () => {
    const read = await child().ask({ type: 'read-run', runsStore: url, runId: RUN_ID, types: ['in-flight', 'delivered'] }, (e) => (e.type === 'run-read' ? e : undefined));
    assert.equal(read.summary.status, 'failed');
    assert.deepEqual(read.records.map((r) => [r.t, 'source' in r ? r.source : '']), [['in-flight', 'q#1'], ['delivered', 'q#1'], ['delivered', 'q#2']]);
  });

  it('says which run a store does not have', async () => {
    await assert.rejects(child().ask({ type: 'read-run', runsStore: url, runId: '20261201-100000-0000', types: [] }, (e) => (e.type === 'run-read' ? e : undefined)), (error: unknown) => {
      assert.ok(error instanceof ExecutorQueryError);
      assert.equal(error.message, `no run 20261201-100000-0000 in ${base} (schema ${schema})`);
      return true;
    });
  });
});
