// Resume, retry and show over a journal written by the journal's own writer: gaps, a killed tail and parked messages of a real Kafka topic.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnector } from '../../../executor/connectors/registry';
import { resumeRun, retryRun, type EngineDeps } from '../../../executor/engine';
import { runDetails } from '../../../executor/run-inspection';
import { environmentSecrets } from '../../../executor/values';
import { recordRun, type Fate } from '../../support/recorded-run';
import { deleteQueue, drainQueue, fillQueue, producePartitions } from './broker-clients';
import { kafkaToMqFlow } from './flow-texts';
import { FolderRunStore } from '../../../executor/stores/folder-run-store';
import { PostgresRunStore } from '../../../executor/stores/postgres-run-store';
import type { RunStore } from '../../../executor/run-store';
import pg from 'pg';
import { DEFAULT_PG_URL } from '../../support/service-reachability';
import { runCli } from './cli-process';

const PARTITIONS = 3;
const PER_PARTITION = 40;

/**
 * Partition by partition, what the interrupted run did: offsets 0..29 committed but for two whose
 * commit the source refused and two parked; 30 and 31 sent when the run was killed; 32.. never read.
 */
function fate(partition: number, offset: number): Fate {
  if ((partition === 0 && offset === 5) || (partition === 2 && offset === 20)) return 'refused';
  if ((partition === 1 && offset === 12) || (partition === 2 && offset === 3)) return 'parked';
  return offset < 30 ? 'committed' : offset < 32 ? 'killed' : 'unread';
}

const key = (partition: number, offset: number): string => `k${partition}-${offset}`;
const value = (partition: number, offset: number): unknown => ({ partition, offset, note: 'naïve – “quoted”' });
const everyMessage = (): { partition: number; offset: number }[] =>
  Array.from({ length: PARTITIONS }, (_, partition) => Array.from({ length: PER_PARTITION }, (_, offset) => ({ partition, offset }))).flat();

type StoreCase = { readonly name: string; readonly open: (runsDir: string, tag: string) => Promise<{ store: RunStore; dispose: () => Promise<void> }> };

const CASES: readonly StoreCase[] = [
  { name: 'in its runs folder', open: (runsDir) => Promise.resolve({ store: new FolderRunStore(runsDir), dispose: () => Promise.resolve() }) },
  {
    name: 'migrated into a PostgreSQL run store',
    open: async (runsDir, tag) => {
      const schema = `ft_migrate_${tag.replace(/-/g, '_')}`;
      const base = process.env.FLOWTRACER_TEST_PG_URL ?? DEFAULT_PG_URL;
      const url = `${base}?schema=${schema}`;
      const migrated = await runCli(['runs', 'migrate', '--runs-dir', runsDir, '--runs-store', url, '--json']);
      assert.equal(migrated.code, 0, migrated.stderr);
      assert.deepEqual(JSON.parse(migrated.stdout), { copied: ['20261130-000000-ec01'], skipped: [], running: [] });
      // The folder is out of the picture from here on: every read and write goes to the store.
      rmSync(runsDir, { recursive: true, force: true });
      const store = await PostgresRunStore.open(url);
      return {
        store,
        dispose: async () => {
          await store.close();
          const admin = new pg.Client({ connectionString: base });
          await admin.connect();
          await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
          await admin.end();
        },
      };
    },
  },
];

for (const { name, open } of CASES) {
  describe(`resume, retry and show of a recorded run with gaps, ${name} @kafka`, function () {
    this.timeout(120_000);
    const tag = `${Date.now().toString(36)}-${Math.floor(Math.random() * 0xffff).toString(16)}`;
    const topic = `ft-recorded-${tag}`;
    const queue = `ft-recorded-${tag}`;
    let dir: string;
    let disposeStore = (): Promise<void> => Promise.resolve();

    before(() => (dir = mkdtempSync(join(tmpdir(), 'ft-recorded-'))));
    after(async () => {
      await disposeStore();
      await deleteQueue(queue);
      rmSync(dir, { recursive: true, force: true });
    });

    it('resume delivers exactly the positions never committed, retry exactly the parked payloads, and show reports the window', async () => {
      await producePartitions(topic, Array.from({ length: PARTITIONS }, (_, p) => Array.from({ length: PER_PARTITION }, (_, o) => ({ key: key(p, o), value: value(p, o) }))));
      await fillQueue(queue, []);
      const flowFile = join(dir, 'recorded.flow.yaml');
      writeFileSync(flowFile, kafkaToMqFlow('recorded', topic, queue));
      const runsDir = join(dir, 'runs');
      const runId = '20261130-000000-ec01';
      await recordRun({
        runsDir, runId, flow: 'recorded', flowFile, source: 'Orders', target: 'OrderQueue', topic, partitions: PARTITIONS, perPartition: PER_PARTITION, turn: 7, flushEvery: 50,
        fate, key, payload: (p, o) => Buffer.from(JSON.stringify(value(p, o))),
      });
      const { store, dispose } = await open(runsDir, tag);
      disposeStore = dispose;
      const deps: EngineDeps = { connectors: createConnector, secrets: environmentSecrets(), emit: () => undefined, runsDir, store, signal: new AbortController().signal, env: process.env };
      const arrivedKeys = async (): Promise<string[]> => (await drainQueue(queue)).map((m) => String(m.key)).sort();

      const resumed = await resumeRun(runId, deps);
      assert.equal(resumed.status, 'succeeded', resumed.error);
      const unsettled = everyMessage().filter(({ partition, offset }) => ['refused', 'killed', 'unread'].includes(fate(partition, offset)));
      assert.deepEqual(await arrivedKeys(), unsettled.map(({ partition, offset }) => key(partition, offset)).sort());

      const details = await runDetails(store, runId);
      assert.deepEqual(details.parked.map((p) => p.source).sort(), [`${topic}/1@12`, `${topic}/2@3`]);
      const sentNotCommitted = everyMessage().filter(({ partition, offset }) => ['refused', 'killed'].includes(fate(partition, offset)));
      assert.deepEqual(details.inDoubt.map((d) => d.source).sort(), sentNotCommitted.map(({ partition, offset }) => `${topic}/${partition}@${offset}`).sort());
      const deliveredBefore = everyMessage().filter(({ partition, offset }) => ['committed', 'refused'].includes(fate(partition, offset))).length;
      assert.deepEqual(details.workers, [{ worker: 'main', delivered: deliveredBefore + unsettled.length, ended: true }]);
      assert.equal(details.tornTail, false);

      const retried = await retryRun(runId, undefined, deps);
      assert.equal(retried.status, 'succeeded', retried.error);
      const redelivered = await drainQueue(queue);
      assert.deepEqual(redelivered.map((m) => [m.key, m.value]).sort(), [[key(1, 12), value(1, 12)], [key(2, 3), value(2, 3)]]);
      assert.deepEqual((await runDetails(store, runId)).parked, []);
      assert.equal((await store.run(runId).readSummary()).parked, 0);
    });
  });
}
