import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectorFactory } from '../../../executor/connectors/connector';
import { ConnectorError } from '../../../executor/connectors/connector';
import { resumeRun, retryRun, startRun, type EngineDeps, type RunResult } from '../../../executor/engine';
import { writeSummaryAtomically } from '../../../executor/journal-writer';
import { markInterruptedRuns } from '../../../executor/run-interrupts';
import { readSummary } from '../../../protocol/journal-files';
import { environmentSecrets } from '../../../executor/values';
import { FakeClock } from './fake-clock';
import { memoryWorld, seed, type MemoryWorld } from './memory-connectors';
import { runIdsIn } from '../../support/run-folders';

const FLOW = join(__dirname, 'fixtures', 'pipeline.flow.yaml');
/** The shortest proper-lockfile allows: stale after 2 s, a heartbeat every second. */
const SHORT = { staleMs: 2000, heartbeatMs: 1000 };
/** A pid that no process on this machine has. */
const GONE_HERE = 2 ** 22 + 17;

/**
 * A process on another machine holding a run: its lock directory and owner record, as it writes
 * them on the shared runs folder, with its heartbeat refreshing the lock's mtime until stopped.
 */
function remoteOwner(directory: string, host: string, pid: number): { stop(): void } {
  const lock = join(directory, 'owner.lock');
  mkdirSync(lock);
  writeFileSync(join(directory, 'owner.json'), JSON.stringify({ host, pid, since: '2026-11-29T08:00:00.000Z', staleMs: SHORT.staleMs, lock: { ino: statSync(lock).ino } }));
  const beat = setInterval(() => {
    try {
      utimesSync(lock, new Date(), new Date());
    } catch {
      // Its lock was removed: a real owner would learn it has lost the run.
    }
  }, 200);
  // A test that failed before stopping it must not keep mocha alive.
  beat.unref();
  return { stop: () => clearInterval(beat) };
}

async function poll<T>(attempt: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('who runs a run (owner locks)', function () {
  this.timeout(20_000);
  let runsDir: string;
  let world: MemoryWorld;
  const deps = (extra: Partial<EngineDeps> = {}): EngineDeps => ({
    connectors: world.factory, secrets: environmentSecrets({ FLOWTRACER_SECRET_RABBIT_PASSWORD: 'pa55-w0rd-xyz' }), env: {},
    emit: () => undefined, runsDir, signal: new AbortController().signal, clock: new FakeClock(), random: () => 0.5, lockTiming: SHORT, ...extra,
  });
  const keys = (component: string) => (world.stores.get(component) ?? []).map((m) => m.key);

  /** A run stopped at its first write: the remainder (every order into OrderQueue) is left to resume. */
  async function stoppedRun(): Promise<RunResult> {
    const controller = new AbortController();
    world.failing = () => {
      controller.abort();
      return new ConnectorError('HTTP 503', '5xx');
    };
    const stopped = await startRun(FLOW, {}, deps({ signal: controller.signal }));
    assert.equal(stopped.status, 'stopped');
    world.failing = () => undefined;
    return stopped;
  }

  beforeEach(() => {
    runsDir = mkdtempSync(join(tmpdir(), 'ft-owner-'));
    world = memoryWorld();
    seed(world, 'Orders', [{ orderId: 1 }, { orderId: 2 }, { orderId: 3 }]);
    seed(world, 'Audit', [{ a: 1 }]);
  });
  afterEach(() => rmSync(runsDir, { recursive: true, force: true }));

  it('refuses a resume and a retry while another host\'s owner keeps its lock fresh, naming it, and takes the run over once that heartbeat stopped', async () => {
    const stopped = await stoppedRun();
    // build-7 resumed the run from the shared folder; its pid means nothing on this machine.
    await writeSummaryAtomically(stopped.directory, { ...(await readSummary(stopped.directory)), status: 'running', pid: GONE_HERE });
    const remote = remoteOwner(stopped.directory, 'build-7', GONE_HERE);
    try {
      const refusal = new RegExp(`run ${stopped.runId} is being run by pid ${GONE_HERE} on host build-7 since 2026-11-29T08:00:00.000Z \\(last heartbeat \\d+\\.\\d s ago\\)`);
      await assert.rejects(resumeRun(stopped.runId, deps()), refusal);
      await assert.rejects(retryRun(stopped.runId, undefined, deps()), refusal);
      // Past the stale time while the heartbeat goes on: still build-7's.
      await new Promise((resolve) => setTimeout(resolve, SHORT.staleMs + 500));
      await assert.rejects(resumeRun(stopped.runId, deps()), refusal);
      assert.deepEqual(await markInterruptedRuns(runsDir), []);
      assert.equal((await readSummary(stopped.directory)).status, 'running');
    } finally {
      remote.stop();
    }
    const before = keys('OrderQueue').length;
    const resumed = await poll(() => resumeRun(stopped.runId, deps()).catch((error: Error) => {
      if (/is being run by/.test(error.message)) return undefined;
      throw error;
    }));
    assert.equal(resumed.status, 'succeeded');
    assert.deepEqual(keys('OrderQueue').slice(before).sort(), ['k0', 'k1', 'k2'], 'the remainder delivered once');
    assert.equal((await readSummary(stopped.directory)).status, 'succeeded');
    assert.deepEqual(readdirSync(stopped.directory).filter((n) => n.startsWith('owner')), [], 'the lock and its record are gone');
  });

  it('leaves a run alone while its remote owner heartbeats, and marks it interrupted once the heartbeat stopped', async () => {
    const R1 = '20261129-080000-00a1';
    const run = join(runsDir, R1);
    mkdirSync(run);
    await writeSummaryAtomically(run, { runId: R1, flow: 'f', flowFile: FLOW, mode: 'warn', status: 'running', startedAt: '2026-11-29T08:00:00.000Z', components: {}, reconciliation: [], parked: 0, pid: GONE_HERE });
    const remote = remoteOwner(run, 'build-7', GONE_HERE);
    try {
      assert.deepEqual(await markInterruptedRuns(runsDir), []);
    } finally {
      remote.stop();
    }
    assert.deepEqual(await poll(async () => {
      const marked = await markInterruptedRuns(runsDir);
      return marked.length > 0 ? marked : undefined;
    }), [R1]);
    assert.equal((await readSummary(run)).status, 'interrupted');
  });

  it('runs exactly one of two resumes started together; the other is refused naming this process', async () => {
    const stopped = await stoppedRun();
    const before = keys('OrderQueue').length;
    const outcomes = await Promise.allSettled([resumeRun(stopped.runId, deps()), resumeRun(stopped.runId, deps())]);
    const ran = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    assert.equal(ran.length, 1, String(refused.map((r) => (r.reason as Error).stack)));
    assert.equal(refused.length, 1);
    assert.match((refused[0]!.reason as Error).message, new RegExp(`is being run by pid ${process.pid} on host ${hostname()} since`));
    assert.deepEqual(keys('OrderQueue').slice(before).sort(), ['k0', 'k1', 'k2'], 'the remainder delivered once');
  });

  it('stops a run whose lock was taken over: it delivers and writes nothing more, and leaves the new owner\'s lock alone', async () => {
    let reached!: () => void;
    const blocked = new Promise<void>((resolve) => (reached = resolve));
    // OrderQueue hangs on its first write (until the run's signal aborts), so the run is mid-way when its lock is taken.
    const factory: ConnectorFactory = (name, props) => {
      const connector = world.factory(name, props);
      if (name !== 'OrderQueue') return connector;
      return {
        ...connector,
        openWriter: async (settings, signal) => ({
          ...(await connector.openWriter!(settings, signal)),
          write: (_message, writeSignal) => {
            reached();
            return new Promise((_resolve, reject) => writeSignal.addEventListener('abort', () => reject(writeSignal.reason as Error), { once: true }));
          },
        }),
      };
    };
    // What the disk held when the run learnt it lost the lock (it says so in an event, never in the journal).
    let atLoss: { journal: string; summary: string } | undefined;
    let directory = '';
    const emit: EngineDeps['emit'] = (event) => {
      if (event.type === 'log' && /lost its lock/.test(event.message)) {
        atLoss = { journal: readFileSync(join(directory, 'journal.ndjson'), 'utf8'), summary: readFileSync(join(directory, 'summary.json'), 'utf8') };
      }
    };
    const running = startRun(FLOW, {}, deps({ connectors: factory, emit }));
    running.catch(() => undefined);
    await blocked;
    directory = join(runsDir, runIdsIn(runsDir)[0]!);
    // build-9 found the lock silent and took it over.
    rmSync(join(directory, 'owner.lock'), { recursive: true, force: true });
    const remote = remoteOwner(directory, 'build-9', 4242);
    try {
      await assert.rejects(running, /lost its lock on the run \(.*owner\.lock was taken over.*\); it stopped delivering and wrote nothing more/);
      assert.ok(atLoss, 'the run said it lost the lock');
      assert.equal(readFileSync(join(directory, 'journal.ndjson'), 'utf8'), atLoss.journal, 'not one more journal record');
      assert.equal(readFileSync(join(directory, 'summary.json'), 'utf8'), atLoss.summary, 'the summary untouched');
      assert.equal(JSON.parse(atLoss.summary).status, 'running');
      assert.equal((JSON.parse(readFileSync(join(directory, 'owner.json'), 'utf8')) as { host: string }).host, 'build-9');
      assert.ok(statSync(join(directory, 'owner.lock')).isDirectory(), 'the new owner\'s lock stays');
      assert.deepEqual(keys('OrderQueue'), []);
    } finally {
      remote.stop();
    }
  });
});
