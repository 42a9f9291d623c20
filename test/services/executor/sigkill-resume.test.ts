// Nothing lost: kafka→mq killed with SIGKILL at random points five times and resumed each time.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inDoubtWindow } from '../../../executor/run-inspection';
import { readSummary } from '../../../protocol/journal-files';
import { runDirectory } from '../../../executor/run-paths';
import { deleteQueue, drainQueue, fillQueue, produce, queueDepthProbe } from './broker-clients';
import { cli, CLI } from './cli-process';
import { kafkaToMqFlow } from './flow-texts';
import { readJournal, runIdsIn } from '../../support/run-folders';

const COUNT = 10_000;

/** A small deterministic generator, so a failing run can be replayed with the same kill points. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

describe('executor killed with SIGKILL and resumed @kafka', function () {
  this.timeout(240_000);
  const tag = Date.now().toString(36);
  const topic = `ft-kill-${tag}`;
  const queue = `ft-kill-${tag}`;
  let dir: string;

  before(() => {
    assert.ok(existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`);
    dir = mkdtempSync(join(tmpdir(), 'ft-kill-'));
  });
  after(async () => {
    await deleteQueue(queue);
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers every key at least once, and duplicates only within the in-flight window the journal reported', async () => {
    const body = 'x'.repeat(1000);
    await produce(topic, Array.from({ length: COUNT }, (_, i) => ({ key: `k${i}`, value: { i, body } })));
    await fillQueue(queue, []);
    const file = join(dir, 'kill.flow.yaml');
    writeFileSync(file, kafkaToMqFlow('kill-resume', topic, queue));
    const runsDir = join(dir, 'runs');
    const random = seeded(20261129);
    const inDoubtKeys = new Set<string>();
    let runId: string | undefined;
    let kills = 0;
    // Each kill lands after a random share (1–12%) of the messages more has arrived at the queue:
    // mid-run however fast the executor is, at a different point of its pipeline each time.
    const probe = await queueDepthProbe(queue);
    for (let kill = 0; kill < 5; kill++) {
      const threshold = (await probe.depth()) + Math.floor(COUNT * (0.01 + random() * 0.11));
      const outcome = await cli(runId ? ['resume', runId, '--runs-dir', runsDir] : ['run', file, '--runs-dir', runsDir], async () => (await probe.depth()) >= threshold);
      runId ??= runIdsIn(runsDir)[0];
      if (!runId) continue; // killed before the run began: nothing to resume yet, start it again
      if (outcome === 0) break; // it finished before the kill point: nothing left to resume
      assert.equal(outcome, 'SIGKILL');
      kills++;
      const { records } = await readJournal(runDirectory(runsDir, runId));
      for (const message of inDoubtWindow(records)) if (message.key) inDoubtKeys.add(message.key);
    }
    await probe.close();
    assert.ok(kills >= 3, `at least three kills landed mid-run (${kills})`);
    const final = await cli(['resume', runId!, '--runs-dir', runsDir]);
    assert.equal(final, 0, 'the last resume finishes the run');
    // The summary gives the whole run's totals, every killed segment's included, each message once.
    const summary = await readSummary(runDirectory(runsDir, runId!));
    assert.deepEqual(summary.reconciliation.map((r) => [r.read, r.delivered, r.parked, r.filtered, r.balanced]), [[COUNT, COUNT, 0, 0, true]]);
    assert.ok((summary.resumed ?? 0) >= kills, `resumed ${summary.resumed} times`);

    const delivered = await drainQueue(queue);
    const seen = new Map<string, number>();
    for (const message of delivered) seen.set(String(message.key), (seen.get(String(message.key)) ?? 0) + 1);
    const missing = Array.from({ length: COUNT }, (_, i) => `k${i}`).filter((key) => !seen.has(key));
    assert.deepEqual(missing, [], 'every key arrived');
    const duplicates = [...seen].filter(([, n]) => n > 1).map(([key]) => key);
    const unexplained = duplicates.filter((key) => !inDoubtKeys.has(key));
    assert.deepEqual(unexplained, [], `duplicates outside the reported window (window ${inDoubtKeys.size}, duplicates ${duplicates.length})`);
    console.log(`      ${kills} kills: ${delivered.length} deliveries of ${COUNT} keys, ${duplicates.length} duplicates, all within the ${inDoubtKeys.size} in-doubt messages the journal reported`);
  });
});
