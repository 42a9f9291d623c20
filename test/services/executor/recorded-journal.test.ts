// Resume, retry and show over a journal written by the journal's own writer: gaps, a killed tail and parked messages of a real Kafka topic.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnector } from '../../../executor/connectors/registry';
import { resumeRun, retryRun, type EngineDeps } from '../../../executor/engine';
import { runDetails } from '../../../executor/run-inspection';
import { environmentSecrets } from '../../../executor/values';
import { readSummary } from '../../../protocol/journal-files';
import { recordRun, type Fate } from '../../support/recorded-run';
import { deleteQueue, drainQueue, fillQueue, producePartitions } from './broker-clients';
import { kafkaToMqFlow } from './flow-texts';
import { FolderRunStore } from '../../../executor/stores/folder-run-store';

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

describe('resume, retry and show of a recorded run with gaps @kafka', function () {
  this.timeout(120_000);
  const tag = `${Date.now().toString(36)}-${Math.floor(Math.random() * 0xffff).toString(16)}`;
  const topic = `ft-recorded-${tag}`;
  const queue = `ft-recorded-${tag}`;
  let dir: string;

  before(() => (dir = mkdtempSync(join(tmpdir(), 'ft-recorded-'))));
  after(async () => {
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
    const deps: EngineDeps = { connectors: createConnector, secrets: environmentSecrets(), emit: () => undefined, runsDir, signal: new AbortController().signal, env: process.env };
    const arrivedKeys = async (): Promise<string[]> => (await drainQueue(queue)).map((m) => String(m.key)).sort();

    const resumed = await resumeRun(runId, deps);
    assert.equal(resumed.status, 'succeeded', resumed.error);
    const unsettled = everyMessage().filter(({ partition, offset }) => ['refused', 'killed', 'unread'].includes(fate(partition, offset)));
    assert.deepEqual(await arrivedKeys(), unsettled.map(({ partition, offset }) => key(partition, offset)).sort());

    const details = await runDetails(new FolderRunStore(runsDir), runId);
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
    assert.deepEqual((await runDetails(new FolderRunStore(runsDir), runId)).parked, []);
    assert.equal((await readSummary(join(runsDir, runId))).parked, 0);
  });
});
