// Who holds a run kept in PostgreSQL: session advisory locks, named by heartbeat rows, released with the session (no pid is asked).
import * as assert from 'node:assert/strict';
import { hostname } from 'node:os';
import pg from 'pg';
import { markInterruptedRuns } from '../../../executor/run-interrupts';
import { OwnershipLostError, RunBusyError } from '../../../executor/run-ownership';
import { PostgresRunStore } from '../../../executor/stores/postgres-run-store';
import type { RunSummary } from '../../../protocol/journal-records';
import { DEFAULT_PG_URL } from '../../support/service-reachability';
import { until } from './cli-process';

const BASE = process.env.FLOWTRACER_TEST_PG_URL ?? DEFAULT_PG_URL;
const signal = new AbortController().signal;

describe('holds on a run kept in PostgreSQL', function () {
  this.timeout(30_000);
  const schema = `ft_holds_${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const url = `${BASE}?schema=${schema}`;
  const stores: PostgresRunStore[] = [];
  /** A store of its own: another process's database session, as far as PostgreSQL can tell. */
  const open = async (): Promise<PostgresRunStore> => {
    const store = await PostgresRunStore.open(url);
    stores.push(store);
    return store;
  };
  let admin: pg.Client;

  before(async () => {
    admin = new pg.Client({ connectionString: BASE });
    await admin.connect();
  });
  after(async () => {
    for (const store of stores) await store.close();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  async function runningRun(store: PostgresRunStore, runId: string): Promise<void> {
    const run = store.run(runId);
    await run.create();
    const summary: RunSummary = { runId, flow: 'f', flowFile: '/f.flow.yaml', mode: 'warn', status: 'running', startedAt: new Date().toISOString(), components: {}, reconciliation: [], parked: 0 };
    await run.writeSummary(summary);
  }

  it('refuses a second hold naming the first, runs exactly one of two claims made together, and frees the run when the holder releases it', async () => {
    const [a, b, c] = [await open(), await open(), await open()];
    const runId = '20261202-000000-a001';
    await runningRun(a, runId);
    const held = await a.run(runId).claim('main', { signal });
    await assert.rejects(b.run(runId).claim('main', { signal }), (error: unknown) => {
      assert.ok(error instanceof RunBusyError);
      assert.equal(error.live.owner?.host, hostname());
      assert.equal(error.live.owner?.pid, process.pid);
      return true;
    });
    // A joined process's hold is one of its own, beside the starter's.
    const joined = await b.run(runId).claim({ worker: 'other-7' }, { signal });
    assert.deepEqual((await c.run(runId).liveOwners()).map((o) => o.role), ['main', { worker: 'other-7' }]);
    await joined.release();
    await held.release();
    assert.deepEqual(await c.run(runId).liveOwners(), []);
    const together = await Promise.allSettled([b.run(runId).claim('main', { signal }), c.run(runId).claim('main', { signal })]);
    assert.deepEqual(together.map((t) => t.status).sort(), ['fulfilled', 'rejected']);
    assert.ok((together.find((t) => t.status === 'rejected') as PromiseRejectedResult).reason instanceof RunBusyError);
    await (together.find((t) => t.status === 'fulfilled') as PromiseFulfilledResult<{ release(): Promise<void> }>).value.release();
    await a.run(runId).writeSummary({ ...(await a.run(runId).readSummary()), status: 'succeeded' });
  });

  it('loses a hold whose session was terminated, and another process takes the run over at once; a run nobody holds is marked interrupted', async () => {
    const [a, b] = [await open(), await open()];
    const runId = '20261202-000000-a002';
    await runningRun(a, runId);
    const held = await a.run(runId).claim('main', { signal });
    assert.deepEqual(await markInterruptedRuns(b), [], 'a held run is left running');
    const { rows } = await admin.query<{ terminated: boolean }>(`SELECT pg_terminate_backend(backend_pid) AS terminated FROM "${schema}".owners WHERE run_id = $1 AND role = 'main'`, [runId]);
    assert.deepEqual(rows, [{ terminated: true }]);
    const lost = await until('the hold to be lost', () => (held.signal.aborted ? (held.signal.reason as unknown) : undefined), 10_000);
    assert.ok(lost instanceof OwnershipLostError);
    assert.match(lost.message, /its database session ended/);
    assert.deepEqual(await b.run(runId).liveOwners(), [], 'PostgreSQL released the lock with the session; its heartbeat row names nobody');
    assert.deepEqual(await markInterruptedRuns(b), [runId]);
    assert.equal((await b.run(runId).readSummary()).status, 'interrupted');
    const taken = await b.run(runId).claim('main', { signal });
    assert.equal((await b.run(runId).liveOwners()).length, 1);
    await taken.release();
  });
});
