// One owner per run: two `flowtracer resume` processes started together on a SIGKILLed kafka→mq run; one runs it, the other is refused.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { inDoubtWindow } from '../../../executor/run-inspection';
import { readSummary } from '../../../protocol/journal-files';
import { runDirectory } from '../../../executor/run-paths';
import { deleteQueue, drainQueue, fillQueue, produce, queueDepthProbe } from './broker-clients';
import { CLI, cliExit } from './cli-process';
import { kafkaToMqFlow } from './flow-texts';
import { readJournal, runIdsIn } from '../../support/run-folders';

const COUNT = 10_000;

describe('two resumes of one interrupted run at once @kafka', function () {
  this.timeout(180_000);
  const tag = Date.now().toString(36);
  const topic = `ft-two-resumes-${tag}`;
  const queue = `ft-two-resumes-${tag}`;
  let dir: string;

  before(() => {
    assert.ok(existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`);
    dir = mkdtempSync(join(tmpdir(), 'ft-two-resumes-'));
  });
  after(async () => {
    await deleteQueue(queue);
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs exactly one: the other is refused naming the owner\'s pid and host, and the queue gets the remainder once', async () => {
    const body = 'x'.repeat(1000);
    await produce(topic, Array.from({ length: COUNT }, (_, i) => ({ key: `k${i}`, value: { i, body } })));
    await fillQueue(queue, []);
    const file = join(dir, 'two.flow.yaml');
    writeFileSync(file, kafkaToMqFlow('two-resumes', topic, queue));
    const runsDir = join(dir, 'runs');

    // Killed once a tenth of the messages is at the queue: most of the run is left to resume.
    const probe = await queueDepthProbe(queue);
    const killed = await cliExit(['run', file, '--runs-dir', runsDir], async () => (await probe.depth()) >= COUNT / 10);
    await probe.close();
    assert.equal(killed.outcome, 'SIGKILL');
    const runId = runIdsIn(runsDir)[0]!;
    const { records } = await readJournal(runDirectory(runsDir, runId));
    const inDoubt = new Set(inDoubtWindow(records).map((m) => m.key));

    const resumes = await Promise.all([0, 1].map(() => cliExit(['resume', runId, '--runs-dir', runsDir])));
    const ran = resumes.filter((r) => r.outcome === 0);
    const refused = resumes.filter((r) => r.outcome !== 0);
    assert.equal(ran.length, 1, `exactly one resume ran (exits ${resumes.map((r) => r.outcome).join(', ')})`);
    assert.equal(refused[0]!.outcome, 8, 'the other exits 8: another process runs the run');
    assert.match(refused[0]!.stderr, new RegExp(`flowtracer resume ${runId}: run ${runId} is being run by pid ${ran[0]!.pid} on host ${hostname()} since \\S+ \\(last heartbeat \\d+\\.\\d s ago\\)`));
    assert.equal((await readSummary(runDirectory(runsDir, runId))).status, 'succeeded');

    const delivered = await drainQueue(queue);
    const seen = new Map<string, number>();
    for (const message of delivered) seen.set(String(message.key), (seen.get(String(message.key)) ?? 0) + 1);
    const missing = Array.from({ length: COUNT }, (_, i) => `k${i}`).filter((key) => !seen.has(key));
    assert.deepEqual(missing, [], 'every key arrived');
    const twice = [...seen].filter(([, n]) => n > 1).map(([key]) => key);
    assert.deepEqual(twice.filter((key) => !inDoubt.has(key)), [], `no key twice beyond the in-doubt window of the kill (${inDoubt.size} in doubt, ${twice.length} twice)`);
    assert.ok([...seen.values()].every((n) => n <= 2), 'no key more than twice');
    console.log(`      ${delivered.length} deliveries of ${COUNT} keys; ${twice.length} twice, all within the ${inDoubt.size} messages in doubt at the kill`);
  });
});
