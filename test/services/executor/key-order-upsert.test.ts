// Per-key order through a retry: 5,000 values of one row from RabbitMQ into a PostgreSQL upsert whose session is terminated mid-run.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Client } from 'pg';
import { createConnector } from '../../../executor/connectors/registry';
import { startRun, type EngineDeps, type RunResult } from '../../../executor/engine';
import { environmentSecrets } from '../../../executor/values';
import type { ExecutorEvent } from '../../../protocol/executor-events';
import { deleteQueue, fillQueue } from './broker-clients';
import { useScratchTables } from './scratch-tables';

const COUNT = 5000;
/** The values whose upsert waits for a lock the test holds, so that the test ends the session right then. */
const TERMINATE_AT = [1000, 2500, 4990];

describe('per-key order when a database session is terminated mid-run', function () {
  this.timeout(180_000);
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const scratch = useScratchTables(tag);
  const queue = `ft-latest-${tag}`;
  const component = `LatestDb${tag}`;
  // The advisory locks' first key: this test's own, so no other test's locks are touched.
  const lockSpace = Math.floor(Math.random() * 2 ** 30);
  let dir: string;
  let locker: Client;
  let table: string;
  let log: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ft-key-order-'));
    locker = new Client({ connectionString: process.env.FLOWTRACER_TEST_PG_URL });
    await locker.connect();
    table = await scratch.create('latest', 'id text PRIMARY KEY, v integer NOT NULL');
    log = await scratch.create('latest_log', 'n bigserial PRIMARY KEY, v integer NOT NULL');
    // Every committed write of the row, in commit order (a terminated transaction's entry is rolled back with it).
    await scratch.db.query(`CREATE FUNCTION ${table}_log() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO ${log} (v) VALUES (NEW.v); RETURN NEW; END $$`);
    await scratch.db.query(`CREATE TRIGGER logged AFTER INSERT OR UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION ${table}_log()`);
    await scratch.db.query(`CREATE FUNCTION ${table}_hold() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.v IN (${TERMINATE_AT.join(', ')}) THEN PERFORM pg_advisory_xact_lock(${lockSpace}, NEW.v); END IF; RETURN NEW; END $$`);
    await scratch.db.query(`CREATE TRIGGER held BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION ${table}_hold()`);
  });
  // After the scratch tables' own hook dropped the tables (and their triggers) and ended its client.
  after(async () => {
    for (const fn of ['log', 'hold']) await locker.query(`DROP FUNCTION IF EXISTS ${table}_${fn}()`);
    await locker.end();
    await deleteQueue(queue);
    rmSync(dir, { recursive: true, force: true });
  });

  it('ends with the last value: a terminated batch is retried before any later value of its row is written', async () => {
    // Message ids are unique, as AMQP message ids are: the row the upsert writes is the only key the values share.
    await fillQueue(queue, Array.from({ length: COUNT }, (_, i) => ({ key: `update-${i + 1}`, value: { id: 'k', v: i + 1 } })));
    const file = join(dir, 'latest.flow.yaml');
    writeFileSync(file, `flow: latest-value
defaults:
  retry: { strategy: fixed, delay: 200ms, maxAttempts: 5, jitter: full }
components:
  Updates:
    type: mq
    url: "\${env:FLOWTRACER_TEST_AMQP_URL}"
    queue: ${queue}
  ${component}:
    type: database
    url: "\${env:FLOWTRACER_TEST_PG_URL}"
connections:
  - from: Updates
    to: ${component}
    select: { until: empty }
    operation: upsert
    table: ${table}
    key: id
    columns: { id: $.id, v: $.v }
`);
    for (const v of TERMINATE_AT) await locker.query('SELECT pg_advisory_lock($1, $2)', [lockSpace, v]);
    const events: ExecutorEvent[] = [];
    const deps: EngineDeps = {
      connectors: createConnector, env: process.env, secrets: environmentSecrets({}),
      emit: (e) => events.push(e), runsDir: join(dir, 'runs'), signal: AbortSignal.timeout(170_000),
    };
    let finished: RunResult | undefined;
    const run = startRun(file, {}, deps).then((result) => (finished = result));
    const session = `flowtracer ${component} (pid ${process.pid})`;
    for (const v of TERMINATE_AT) {
      // The executor's session waits for the lock of value v inside its transaction: end that session, then let v through.
      for (;;) {
        const { rows } = await locker.query<{ pid: number }>(
          `SELECT a.pid FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid
           WHERE a.application_name = $1 AND l.locktype = 'advisory' AND NOT l.granted AND l.classid = $2 AND l.objid = $3`,
          [session, lockSpace, v],
        );
        if (rows.length > 0) {
          await locker.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
          break;
        }
        assert.equal(finished, undefined, `the run ended before the upsert of ${v} was held`);
        await delay(20);
      }
      await locker.query('SELECT pg_advisory_unlock($1, $2)', [lockSpace, v]);
    }
    const result = await run;
    assert.equal(result.status, 'succeeded', result.error);
    assert.deepEqual(result.reconciliation.map((r) => [r.read, r.delivered, r.parked]), [[COUNT, COUNT, 0]]);
    assert.ok(events.filter((e) => e.type === 'message-retrying').length >= TERMINATE_AT.length, 'each terminated session made writes retry');
    assert.deepEqual((await scratch.db.query(`SELECT id, v FROM ${table}`)).rows, [{ id: 'k', v: COUNT }]);
    // Every value was committed, and never one after a later one (at-least-once allows a value twice in a row, nothing else).
    const committed = (await scratch.db.query<{ v: number }>(`SELECT v FROM ${log} ORDER BY n`)).rows.map((r) => r.v);
    const backwards = committed.findIndex((v, i) => i > 0 && v < committed[i - 1]!);
    assert.equal(backwards, -1, `value ${committed[backwards]} was committed after ${committed[backwards - 1]}`);
    assert.deepEqual([...new Set(committed)], Array.from({ length: COUNT }, (_, i) => i + 1));
  });
});
