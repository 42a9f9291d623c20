// The runs folder on a real full disk (a small tmpfs): the run fails with the journal's write error and no message is lost.
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readSummary } from '../../../protocol/journal-files';
import type { JournalRecord } from '../../../protocol/journal-records';
import amqp from 'amqplib';
import { amqpUrl, deleteQueue, drainQueue, fillQueue } from './broker-clients';
import { RecordingHttpServer } from './recording-http-server';
import { readJournal, runIdsIn } from '../../support/run-folders';

const CLI = resolve(__dirname, '../../../dist/executor/cli.js');
/** Enough parked payloads (every other message, ~16 KB each in base64) to fill the tmpfs more than twice over. */
const COUNT = 600;
const TMPFS_SIZE = '2m';

type Parked = Extract<JournalRecord, { t: 'parked' }>;

/** Runs the CLI to its end (killed after two minutes: a hang fails the test); its exit code and everything it printed. */
function cli(args: string[]): Promise<{ code: number | NodeJS.Signals; output: string }> {
  return new Promise((resolveExit) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolveExit({ code: signal ?? code ?? -1, output });
    });
  });
}

/** The keys of every message on a queue, leaving them there (taken unacked, given back when the connection closes). */
async function queuedKeys(queue: string): Promise<Set<string>> {
  const connection = await amqp.connect(amqpUrl());
  const channel = await connection.createChannel();
  const keys = new Set<string>();
  for (let got = await channel.get(queue, { noAck: false }); got; got = await channel.get(queue, { noAck: false })) keys.add(String(got.properties.messageId));
  await connection.close();
  return keys;
}

/** Keys of the parked records of a run's journal, each checked to hold its own message's payload. */
async function parkedKeys(directory: string): Promise<Set<string>> {
  const { records } = await readJournal(directory);
  const parked = records.filter((r): r is Parked => r.t === 'parked');
  for (const p of parked) assert.equal(`k${(JSON.parse(Buffer.from(p.payload!, 'base64').toString()) as { i: number }).i}`, p.key, 'a parked record holds its own message');
  return new Set(parked.map((p) => p.key!));
}

describe('the runs folder on a full disk (tmpfs)', function () {
  this.timeout(180_000);
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const queue = `ft-full-disk-${tag}`;
  let dir: string;
  let runsDir: string;
  let server: RecordingHttpServer;

  before(() => {
    assert.ok(existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`);
    dir = mkdtempSync(join(tmpdir(), 'ft-full-disk-'));
    runsDir = join(dir, 'runs');
    mkdirSync(runsDir);
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_SIZE}`, 'tmpfs', runsDir]);
  });
  after(async () => {
    await server?.stop();
    await deleteQueue(queue);
    execFileSync('umount', [runsDir]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails with "journal write failed: ENOSPC"; every key is at the service, parked in a readable journal, or still on the queue; a resume with room finishes', async () => {
    // Odd messages are refused with a 400 (not retryable): they park, their payload's only copy in the journal.
    server = new RecordingHttpServer((request) => ((JSON.parse(request.body) as { i: number }).i % 2 === 1 ? { status: 400, body: '{"error":"refused"}' } : { status: 204 }));
    const url = await server.start('/orders');
    const body = 'x'.repeat(12_000);
    const keys = Array.from({ length: COUNT }, (_, i) => `k${i}`);
    await fillQueue(queue, keys.map((key, i) => ({ key, value: { i, body } })));
    const file = join(dir, 'full-disk.flow.yaml');
    writeFileSync(file, `flow: full-disk
components:
  Intake:
    type: mq
    url: "\${env:FLOWTRACER_TEST_AMQP_URL}"
    queue: ${queue}
  Orders:
    type: service
    url: ${url}
connections:
  - from: Intake
    to: Orders
    select: { until: empty }
`);
    // At the service means accepted (204): a refused request leaves the message only in the journal.
    const received = (): Set<string> => new Set(server.bodies().map((b) => (b as { i: number }).i).filter((i) => i % 2 === 0).map((i) => `k${i}`));

    const { code, output } = await cli(['run', file, '--runs-dir', runsDir]);

    const [runId] = runIdsIn(runsDir);
    const tail = output.slice(-3000);
    assert.ok(runId, `no run directory was created: ${tail}`);
    const run = join(runsDir, runId);
    const journalFile = join(run, 'journal.ndjson');
    // The journal on the full disk stays readable (a cut last line is a torn tail).
    const parked = await parkedKeys(run);
    // The executor has exited: what it had not acked is back on the queue.
    const queued = await queuedKeys(queue);
    const lost = keys.filter((key) => !received().has(key) && !parked.has(key) && !queued.has(key));
    console.log(`      exit ${code}; ${received().size} keys at the service, ${parked.size} parked in the journal, ${queued.size} still on the queue (${COUNT - queued.size} acked), ${lost.length} lost${lost.length ? ` (${lost.slice(0, 5).join(', ')})` : ''}`);
    assert.deepEqual(lost, [], 'every key is at the service, parked in the journal, or still on the queue');
    assert.ok(queued.size > 0, 'the disk filled before the queue was drained');
    assert.equal(code, 1, tail);
    assert.ok(output.includes(`journal write failed: ENOSPC at ${journalFile}`), tail);
    // The summary says so if it could still be written; otherwise it is the one written at the start.
    const summary = await readSummary(run);
    if (summary.status !== 'running') assert.deepEqual([summary.status, summary.error], ['failed', `journal write failed: ENOSPC at ${journalFile}`]);

    // With room on the disk again, a resume reads the rest: it fails only for the refused ones it parks.
    execFileSync('mount', ['-o', 'remount,size=64m', runsDir]);
    const resumed = await cli(['resume', runId, '--runs-dir', runsDir]);
    assert.equal(resumed.code, 1, resumed.output.slice(-3000));
    assert.match(resumed.output, /parked/);
    assert.doesNotMatch(resumed.output, /journal write failed/);
    const parkedAfter = await parkedKeys(run);
    assert.deepEqual(await drainQueue(queue), [], 'the resume acked the rest of the queue');
    assert.deepEqual(keys.filter((key) => !received().has(key) && !parkedAfter.has(key)), [], 'every key is at the service or parked');
    assert.deepEqual(keys.filter((key, i) => i % 2 === 1 && !parkedAfter.has(key)), [], 'every refused key is parked');
  });
});
