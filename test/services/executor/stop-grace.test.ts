// Stop (SIGTERM to the CLI) while a slow service holds the requests: within the grace they are confirmed and committed, and a resume sends none of them again.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runDetails } from '../../../executor/run-inspection';
import { readSummary } from '../../../protocol/journal-files';
import { deleteQueue, fillQueue, queueDepthProbe } from './broker-clients';
import { RecordingHttpServer } from './recording-http-server';
import { FolderRunStore } from '../../../executor/stores/folder-run-store';
import { readJournal, runIdsIn } from '../../support/run-folders';

const CLI = resolve(__dirname, '../../../dist/executor/cli.js');
const COUNT = 20;
const IN_FLIGHT = 4;

/** Runs the CLI to its end; `onStart` gets the child (to signal it). Resolves its exit code and stdout. */
function cli(args: string[], onStart?: (child: ReturnType<typeof spawn>) => void): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolveExit) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.once('exit', (code) => resolveExit({ code, stdout }));
    onStart?.(child);
  });
}

async function until(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((wait) => setTimeout(wait, 20));
  }
}

describe('Stop with a grace period for the messages in flight', function () {
  this.timeout(120_000);
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  let dir: string;
  let server: RecordingHttpServer;
  let queue: string;
  let count = 0;

  before(() => assert.ok(existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`));
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ft-stop-grace-'));
    queue = `ft-stop-grace-${tag}-${++count}`;
  });
  afterEach(async () => {
    await server?.stop();
    await deleteQueue(queue);
    rmSync(dir, { recursive: true, force: true });
  });

  /** Queues COUNT messages for a service that holds each request a second; SIGTERM once IN_FLIGHT are held. */
  async function stopWhileHeld(grace: string) {
    await fillQueue(queue, Array.from({ length: COUNT }, (_, n) => ({ key: `m${n}`, value: { n } })));
    server = new RecordingHttpServer(() => ({ status: 200, delayMs: 1000 }));
    const url = await server.start('/slow');
    const file = join(dir, 'stop.flow.yaml');
    writeFileSync(file, `flow: stop-grace-${count}
components:
  Intake:
    type: mq
    url: "\${env:FLOWTRACER_TEST_AMQP_URL}"
    queue: ${queue}
  Slow:
    type: service
    url: ${url}
    timeout: 30s
connections:
  - from: Intake
    to: Slow
    maxInFlight: ${IN_FLIGHT}
    select: { until: empty }
`);
    const runsDir = join(dir, 'runs');
    const stopped = await cli(['run', file, '--runs-dir', runsDir, '--stop-grace', grace], (child) => {
      until(`${IN_FLIGHT} held requests`, () => server.requests.length >= IN_FLIGHT).then(() => child.kill('SIGTERM'), () => child.kill('SIGKILL'));
    });
    const held = server.requests.slice(0, IN_FLIGHT).map((r) => (JSON.parse(r.body) as { n: number }).n);
    const runId = runIdsIn(runsDir)[0]!;
    const directory = join(runsDir, runId);
    const { records } = await readJournal(directory);
    const committed = new Set(records.filter((r) => r.t === 'committed').map((r) => (r as { source: string }).source));
    const committedKeys = records.filter((r) => r.t === 'delivered' && committed.has(r.source)).map((r) => (r as { key: string }).key).sort();
    return { stopped, held, runsDir, runId, directory, committedKeys, requestsAtStop: server.requests.length };
  }

  const depth = async (): Promise<number> => {
    const probe = await queueDepthProbe(queue);
    try {
      return await probe.depth();
    } finally {
      await probe.close();
    }
  };
  const timesSent = (): Map<number, number> => {
    const seen = new Map<number, number>();
    for (const r of server.requests) {
      const { n } = JSON.parse(r.body) as { n: number };
      seen.set(n, (seen.get(n) ?? 0) + 1);
    }
    return seen;
  };

  it('commits the held requests once they are answered within the grace, ends stopped, and a resume sends none of them again', async () => {
    const run = await stopWhileHeld('5s');
    assert.equal(run.stopped.code, 6, 'exit code 6: stopped');
    assert.equal((await readSummary(run.directory)).status, 'stopped');
    assert.equal(run.requestsAtStop, IN_FLIGHT, 'nothing more was written after the Stop');
    assert.deepEqual(run.committedKeys, run.held.map((n) => `m${n}`).sort(), 'the held messages are journaled delivered and committed');
    await until(`the queue to hold the ${COUNT - IN_FLIGHT} others`, async () => (await depth()) === COUNT - IN_FLIGHT);
    assert.deepEqual((await runDetails(new FolderRunStore(run.runsDir), run.runId)).inDoubt, [], 'nothing may have arrived twice');

    const resumed = await cli(['resume', run.runId, '--runs-dir', run.runsDir]);
    assert.equal(resumed.code, 0);
    assert.deepEqual([...timesSent()].sort(([a], [b]) => a - b), Array.from({ length: COUNT }, (_, n) => [n, 1]), 'every message sent exactly once');
    const summary = await readSummary(run.directory);
    assert.deepEqual(summary.reconciliation.map((r) => [r.read, r.delivered, r.parked, r.filtered, r.balanced]), [[COUNT, COUNT, 0, 0, true]]);
    const shown = await cli(['show', run.runId, '--runs-dir', run.runsDir]);
    assert.match(shown.stdout, /resumed 1 time \(totals of the whole run\)/);
  });

  it('with a grace of 0 (the behaviour before the grace) abandons the held requests uncommitted: they come back and are sent again', async () => {
    const run = await stopWhileHeld('0s');
    assert.equal(run.stopped.code, 6);
    assert.equal((await readSummary(run.directory)).status, 'stopped');
    assert.deepEqual(run.committedKeys, []);
    await until(`the queue to hold all ${COUNT} again`, async () => (await depth()) === COUNT);
    assert.deepEqual((await runDetails(new FolderRunStore(run.runsDir), run.runId)).inDoubt.map((d) => d.key).sort(), run.held.map((n) => `m${n}`).sort(), 'the held ones are in doubt');

    const resumed = await cli(['resume', run.runId, '--runs-dir', run.runsDir]);
    assert.equal(resumed.code, 0);
    const sent = timesSent();
    assert.deepEqual(run.held.map((n) => sent.get(n)), run.held.map(() => 2), 'each held message was sent again');
    assert.equal(server.requests.length, COUNT + IN_FLIGHT);
  });
});
