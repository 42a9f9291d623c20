// Resume continues after the last key delivered: a query source whose delivered rows were deleted, an api whose items shifted; resume refused without a key.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnector } from '../../../executor/connectors/registry';
import { resumeRun, startRun, type EngineDeps } from '../../../executor/engine';
import { inDoubtWindow } from '../../../executor/run-inspection';
import { runDirectory } from '../../../executor/run-paths';
import { environmentSecrets } from '../../../executor/values';
import { readJournalRecords } from '../../../protocol/journal-files';
import type { RunSummary } from '../../../protocol/journal-records';
import { cli, CLI } from './cli-process';
import { RecordingHttpServer } from './recording-http-server';
import { useScratchTables } from './scratch-tables';
import { readJournal, runIdsIn } from '../../support/run-folders';

const ROWS = 6_000;
const database = (name: string): string => `  ${name}:\n    type: database\n    url: "\${env:FLOWTRACER_TEST_PG_URL}"\n`;
const service = (name: string, url: string): string => `  ${name}:\n    type: service\n    url: ${url}\n`;

/** How often each key arrived, and the keys the journal reports in doubt (sent, never committed). */
function tally(keys: readonly string[]): Map<string, number> {
  const seen = new Map<string, number>();
  for (const key of keys) seen.set(key, (seen.get(key) ?? 0) + 1);
  return seen;
}

async function inDoubtKeys(runsDir: string, runId: string): Promise<Set<string>> {
  const { records } = await readJournal(runDirectory(runsDir, runId));
  return new Set(inDoubtWindow(records).flatMap((m) => (m.key === null ? [] : [m.key])));
}

/** Polls until `ready` holds (the test's own services answer it), failing after a generous bound. */
async function until(ready: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((wait) => setTimeout(wait, 20));
  }
}

describe('resume continues from the last key delivered, never by counting', function () {
  this.timeout(120_000);
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const scratch = useScratchTables(tag);
  let dir: string;
  let runsDir: string;
  const flow = (name: string, components: string, connections: string): string => {
    const file = join(dir, `${name}.flow.yaml`);
    writeFileSync(file, `flow: ${name}\ndefaults:\n  retry: { strategy: fixed, delay: 50ms, maxAttempts: 2 }\ncomponents:\n${components}connections:\n${connections}`);
    return file;
  };
  const onlyRun = (): string => runIdsIn(runsDir)[0]!;
  const summaryOf = (runId: string): RunSummary => JSON.parse(readFileSync(join(runDirectory(runsDir, runId), 'summary.json'), 'utf8')) as RunSummary;

  before(() => assert.ok(existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`));
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ft-positions-'));
    runsDir = join(dir, 'runs');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a query source killed mid-run whose delivered rows an outbox cleaner deleted: the resume delivers every other row', async () => {
    const outbox = await scratch.create('outbox', 'id integer PRIMARY KEY, body text NOT NULL');
    const copy = await scratch.create('outbox_copy', 'id integer NOT NULL, body text NOT NULL');
    await scratch.db.query(`INSERT INTO ${outbox} SELECT i, 'event ' || i || ' ' || repeat('x', 200) FROM generate_series(1, ${ROWS}) AS i`);
    const file = flow('outbox-resume', database('Outbox') + database('Copy'),
      `  - from: Outbox\n    to: Copy\n    select: { query: "SELECT id, body FROM ${outbox} ORDER BY id" }\n    keyColumn: id\n    maxInFlight: 8\n` +
      `    table: ${copy}\n    columns: { id: $.id, body: $.body }\n`);
    const copied = async (): Promise<number> => Number((await scratch.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${copy}`)).rows[0]!.n);

    const killed = await cli(['run', file, '--runs-dir', runsDir], async () => (await copied()) >= ROWS / 2);
    assert.equal(killed, 'SIGKILL', 'the run was killed mid-way (it finished before half the rows arrived)');
    const runId = onlyRun();
    const atKill = await copied();
    // The outbox cleaner: rows that reached the target are gone from the source before the resume.
    const cleaned = (await scratch.db.query(`DELETE FROM ${outbox} WHERE id IN (SELECT id FROM ${copy})`)).rowCount ?? 0;

    const resumed = await cli(['resume', runId, '--runs-dir', runsDir]);
    const ids = (await scratch.db.query<{ id: number }>(`SELECT id FROM ${copy}`)).rows.map((r) => String(r.id));
    const seen = tally(ids);
    const missing = Array.from({ length: ROWS }, (_, i) => String(i + 1)).filter((id) => !seen.has(id));
    const doubt = await inDoubtKeys(runsDir, runId);
    const duplicates = [...seen].filter(([, n]) => n > 1).map(([id]) => id);
    const summary = summaryOf(runId);
    console.log(`      killed with ${atKill} rows at the target, ${cleaned} deleted from the outbox; resume exited ${String(resumed)}: ${summary.status}, ` +
      `${JSON.stringify(summary.reconciliation)}; ${missing.length} rows missing (first ${missing.slice(0, 3).join(', ') || '-'}), ${duplicates.length} duplicates, ${doubt.size} in doubt`);
    assert.equal(missing.length, 0, `${missing.length} rows never reached the target (${missing.slice(0, 5).join(', ')}…)`);
    assert.deepEqual(duplicates.filter((id) => !doubt.has(id)), [], 'duplicates only within the in-doubt window the journal reported');
    assert.equal(resumed, 0);
    assert.equal(summary.status, 'succeeded');
    // The summary gives the whole run's totals: each row once, whichever segment settled it. A row in
    // flight at the kill whose delivery the journal never recorded, and which the cleaner then deleted,
    // is settled by no segment: it is in the in-doubt window, not in the totals.
    const [total] = summary.reconciliation;
    assert.deepEqual([total!.connection, total!.balanced, total!.read === total!.delivered], ['Outbox -> Copy', true, true]);
    assert.ok(total!.read <= ROWS && total!.read >= ROWS - doubt.size, `the totals count ${total!.read} rows of ${ROWS}, ${doubt.size} in doubt`);
    // The resumed segment read only the rows after the last committed key: what was left of the outbox.
    const left = ROWS - cleaned;
    const segments = (await readJournalRecords(runDirectory(runsDir, runId), ['reconciliation'])).map((r) => r.connections[0]!);
    assert.ok(segments.at(-1)!.read <= left, `the resume read ${segments.at(-1)!.read} rows, more than the ${left} left`);
  });

  it('an api whose items shifted (new ones at the front) before the resume: no item is skipped', async () => {
    const items: { id: string; n: number }[] = Array.from({ length: 3_000 }, (_, i) => ({ id: `evt-${i}`, n: i }));
    const api = new RecordingHttpServer(() => ({ status: 200, body: JSON.stringify({ data: { events: items } }) }));
    const target = new RecordingHttpServer(() => ({ status: 204 }));
    const apiUrl = await api.start('/v1/events');
    const targetUrl = await target.start('/ingest');
    try {
      const file = flow('api-resume', `  Events:\n    type: api\n    url: ${apiUrl}\n    items: $.data.events\n    key: $.id\n` + service('Ingest', targetUrl),
        '  - from: Events\n    to: Ingest\n    maxInFlight: 4\n');
      const killed = await cli(['run', file, '--runs-dir', runsDir], () => Promise.resolve(target.requests.length >= 1_000));
      assert.equal(killed, 'SIGKILL', 'the run was killed mid-way');
      const runId = onlyRun();
      const atKill = target.requests.length;
      // Between the killed run's GET and the resume's, the api put new events in front of the old ones.
      const fresh = Array.from({ length: 5 }, (_, i) => ({ id: `new-${i}`, n: -1 - i }));
      items.unshift(...fresh);

      const resumed = await cli(['resume', runId, '--runs-dir', runsDir]);
      const seen = tally(target.bodies().map((b) => (b as { id: string }).id));
      const missing = items.map((e) => e.id).filter((id) => !seen.has(id));
      const doubt = await inDoubtKeys(runsDir, runId);
      const duplicates = [...seen].filter(([, n]) => n > 1).map(([id]) => id);
      console.log(`      killed after ${atKill} requests; resume exited ${String(resumed)}: ${missing.length} items missing (${missing.slice(0, 5).join(', ') || '-'}), ${duplicates.length} duplicates, ${doubt.size} in doubt`);
      assert.deepEqual(missing, [], 'every item reached the target');
      assert.deepEqual(duplicates.filter((id) => !doubt.has(id)), [], 'duplicates only within the in-doubt window the journal reported');
      assert.equal(resumed, 0);
      const summary = summaryOf(runId);
      assert.equal(summary.status, 'succeeded');
      assert.deepEqual(summary.reconciliation.map((r) => [r.connection, r.balanced]), [['Events -> Ingest', true]]);
      assert.deepEqual(api.requests.map((r) => r.method), ['GET', 'GET']);
    } finally {
      await Promise.all([api.stop(), target.stop()]);
    }
  });

  describe('a source without a stable key', () => {
    const deps = (signal: AbortSignal): EngineDeps => ({
      connectors: createConnector, env: process.env, secrets: environmentSecrets({}), emit: () => undefined, runsDir, signal,
    });
    /** Starts the flow in this process and stops it once ten messages were committed, with the 11th hanging at the target. */
    const stoppedRun = async (file: string, target: RecordingHttpServer): Promise<string> => {
      const controller = new AbortController();
      const running = startRun(file, {}, deps(controller.signal));
      await until(async () => {
        if (runIdsIn(runsDir).length === 0) return false;
        // The run's folder (its owner lock) exists a moment before its journal does.
        const records = await readJournalRecords(runDirectory(runsDir, onlyRun()), ['committed']).catch(() => []);
        return records.length >= 10;
      }, 'ten committed messages');
      await until(() => target.requests.length >= 11, 'the 11th request');
      controller.abort();
      const result = await running;
      assert.equal(result.status, 'stopped');
      return result.runId;
    };
    const hangAfterTen = (): RecordingHttpServer => new RecordingHttpServer((_, index) => (index < 10 ? { status: 204 } : 'hang'));

    it('refuses to resume a query source without keyColumn, saying why and what to add, before anything moves', async () => {
      const table = await scratch.create('nokey', 'id integer PRIMARY KEY');
      await scratch.db.query(`INSERT INTO ${table} SELECT i FROM generate_series(1, 100) AS i`);
      const target = hangAfterTen();
      const url = await target.start('/ingest');
      try {
        const file = flow('no-key-column', database('Outbox') + service('Ingest', url),
          `  - from: Outbox\n    to: Ingest\n    select: { query: "SELECT id FROM ${table} ORDER BY id" }\n    maxInFlight: 1\n`);
        const runId = await stoppedRun(file, target);
        const before = (await readJournal(runDirectory(runsDir, runId))).records.length;
        const requests = target.requests.length;
        await assert.rejects(resumeRun(runId, deps(AbortSignal.timeout(30_000))), (error: Error) => {
          assert.equal(error.message,
            `run ${runId} cannot be resumed: \`Outbox -> Ingest\` reads database \`Outbox\` without \`keyColumn\`, so nothing tells which rows it delivered ` +
            '(counting them would skip rows added or deleted since); add `keyColumn:` with a unique column of the query, `ORDER BY` it in the query, and start the flow again');
          return true;
        });
        assert.equal((await readJournal(runDirectory(runsDir, runId))).records.length, before, 'the refused resume wrote nothing');
        assert.equal(target.requests.length, requests, 'the refused resume sent nothing');
      } finally {
        await target.stop();
      }
    });

    it('refuses to resume an api source without `key`', async () => {
      const api = new RecordingHttpServer(() => ({ status: 200, body: JSON.stringify(Array.from({ length: 50 }, (_, i) => ({ id: i }))) }));
      const target = hangAfterTen();
      const apiUrl = await api.start('/v1/events');
      const url = await target.start('/ingest');
      try {
        const file = flow('no-api-key', `  Events:\n    type: api\n    url: ${apiUrl}\n` + service('Ingest', url), '  - from: Events\n    to: Ingest\n    maxInFlight: 1\n');
        const runId = await stoppedRun(file, target);
        await assert.rejects(resumeRun(runId, deps(AbortSignal.timeout(30_000))), (error: Error) => {
          assert.equal(error.message,
            `run ${runId} cannot be resumed: \`Events -> Ingest\` reads api \`Events\` without \`key\`, so nothing tells which items it delivered ` +
            '(counting them would skip items added or removed since); add `key:` with the JSONPath of a unique id in each item (such as `$.id`) to `Events`, and start the flow again');
          return true;
        });
        assert.equal(api.requests.length, 1, 'the refused resume did not read the api');
      } finally {
        await Promise.all([api.stop(), target.stop()]);
      }
    });
  });
});
