import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectorError, type ConnectorFactory } from '../../../executor/connectors/connector';
import { PreflightError } from '../../../executor/component-connectors';
import { resumeRun, retryRun, startRun, type EngineDeps } from '../../../executor/engine';
import { abortReason, type Clock } from '../../../executor/clock';
import { runDetails } from '../../../executor/run-inspection';
import { readSummary } from '../../../protocol/journal-files';
import { environmentSecrets } from '../../../executor/values';
import type { ExecutorEvent } from '../../../protocol/executor-events';
import { FakeClock } from './fake-clock';
import { memoryWorld, seed, type MemoryWorld } from './memory-connectors';
import { FolderRunStore } from '../../../executor/stores/folder-run-store';
import { MASK } from '../../../executor/redaction';
import { readJournal, runIdsIn } from '../../support/run-folders';

const FLOW = join(__dirname, 'fixtures', 'pipeline.flow.yaml');
const SECRET = 'pa55-w0rd-xyz';

describe('engine (in-memory connectors)', () => {
  let runsDir: string;
  let world: MemoryWorld;
  let events: ExecutorEvent[];
  const deps = (extra: Partial<EngineDeps> = {}): EngineDeps => ({
    connectors: world.factory, secrets: environmentSecrets({ FLOWTRACER_SECRET_RABBIT_PASSWORD: SECRET }), env: {},
    emit: (e) => events.push(e), runsDir, signal: new AbortController().signal, clock: new FakeClock(), random: () => 0.5, ...extra,
  });
  const values = (component: string) => (world.stores.get(component) ?? []).map((m) => JSON.parse(m.value.toString()) as unknown);

  beforeEach(() => {
    runsDir = mkdtempSync(join(tmpdir(), 'ft-runs-'));
    world = memoryWorld();
    events = [];
    seed(world, 'Orders', [{ orderId: 1 }, { orderId: 2 }, { orderId: 3 }]);
    seed(world, 'Audit', [{ a: 1 }]);
  });
  afterEach(() => rmSync(runsDir, { recursive: true, force: true }));

  it('names each connection in its events, run-start record and summary by index and ends, not only by label', async () => {
    const result = await startRun(FLOW, {}, deps());
    const refs = [
      { connection: 'Orders -> OrderQueue', connectionIndex: 0, from: 'Orders', to: 'OrderQueue' },
      { connection: 'Audit -> AuditQueue', connectionIndex: 3, from: 'Audit', to: 'AuditQueue' },
      { connection: 'OrderQueue -> OrderService', connectionIndex: 1, from: 'OrderQueue', to: 'OrderService' },
      { connection: 'OrderService -> Processed', connectionIndex: 2, from: 'OrderService', to: 'Processed' },
    ];
    const started = events.find((e) => e.type === 'run-started');
    assert.deepEqual(started?.type === 'run-started' ? started.connections : undefined, refs);
    const runStart = (await readJournal(result.directory)).records.find((r) => r.t === 'run-start');
    assert.deepEqual(runStart?.t === 'run-start' ? runStart.connections : undefined, refs);
    assert.deepEqual((await readSummary(result.directory)).connections, refs);
    for (const e of events) {
      if (e.type !== 'message-delivered' && e.type !== 'connection-progress') continue;
      const ref = refs.find((c) => c.connection === e.connection)!;
      assert.deepEqual([e.connectionIndex, e.from, e.to], [ref.connectionIndex, ref.from, ref.to], e.connection);
    }
  });

  it('builds no message-delivered event for a sink that takes none (the CLI\'s text output), and moves and journals the same', async () => {
    const quiet = await startRun(FLOW, {}, deps({ deliveredEvents: false }));
    const delivered = async (directory: string) => (await readJournal(directory)).records.filter((r) => r.t === 'delivered').length;
    assert.equal(quiet.status, 'succeeded');
    assert.deepEqual(quiet.reconciliation.map((r) => r.delivered).sort(), [1, 3, 3, 3]);
    assert.equal(await delivered(quiet.directory), 10);
    assert.deepEqual(events.filter((e) => e.type === 'message-delivered'), []);
    assert.ok(events.some((e) => e.type === 'run-finished') && events.some((e) => e.type === 'connection-progress'), 'every other event is there');
  });

  it('moves every message through every connection, service replies flowing downstream, and reconciles', async () => {
    const result = await startRun(FLOW, {}, deps());
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(values('OrderQueue'), [{ orderId: 1 }, { orderId: 2 }, { orderId: 3 }]);
    assert.deepEqual(values('Processed'), [{ processed: { orderId: 1 } }, { processed: { orderId: 2 } }, { processed: { orderId: 3 } }]);
    assert.deepEqual(values('AuditQueue'), [{ a: 1 }]);
    assert.deepEqual(world.commits.get('Orders'), ['Orders@0', 'Orders@1', 'Orders@2']);
    assert.deepEqual(result.reconciliation.map((r) => [r.connection, r.read, r.delivered, r.parked, r.filtered, r.balanced]), [
      ['Orders -> OrderQueue', 3, 3, 0, 0, true], ['Audit -> AuditQueue', 1, 1, 0, 0, true],
      ['OrderQueue -> OrderService', 3, 3, 0, 0, true], ['OrderService -> Processed', 3, 3, 0, 0, true],
    ].sort((a, b) => result.reconciliation.findIndex((r) => r.connection === a[0]) - result.reconciliation.findIndex((r) => r.connection === b[0])));
    assert.equal((await readSummary(result.directory)).status, 'succeeded');
  });

  it('keeps one trace id across every hop', async () => {
    await startRun(FLOW, {}, deps());
    const first = world.stores.get('OrderQueue')![0]!.headers.traceparent!.split('-')[1];
    assert.equal(world.stores.get('Processed')![0]!.headers.traceparent!.split('-')[1], first);
    const { records } = await readJournal(join(runsDir, runIdsIn(runsDir)[0]!));
    const hops = records.filter((r) => r.t === 'delivered' && r.traceId === first).map((r) => (r as { connection: string }).connection);
    assert.deepEqual(hops, ['Orders -> OrderQueue', 'OrderQueue -> OrderService', 'OrderService -> Processed']);
  });

  it('parks a message after the last retry, fails the component, blocks nothing independent, and retry delivers exactly it', async () => {
    let down = true;
    world.failing = (component, m) => (down && component === 'OrderService' && m.key === 'k1' ? new ConnectorError('HTTP 503', '5xx') : undefined);
    const clock = new FakeClock();
    const first = await startRun(FLOW, {}, deps({ clock }));
    assert.equal(first.status, 'failed');
    assert.equal(first.parked, 1);
    assert.deepEqual(clock.sleeps, [1000, 1000]);
    assert.deepEqual([...world.calls.get('OrderService')!].sort(), ['k0', 'k1', 'k1', 'k1', 'k2']);
    assert.deepEqual(values('Processed').length, 2);
    assert.deepEqual(values('AuditQueue'), [{ a: 1 }]);
    const summary = await readSummary(first.directory);
    assert.equal(summary.components.OrderService, 'failed');
    assert.equal(summary.components.AuditQueue, 'succeeded');
    down = false;
    world.calls.clear();
    const retried = await retryRun(first.runId, 'OrderService', deps());
    assert.equal(retried.status, 'succeeded');
    assert.deepEqual(world.calls.get('OrderService'), ['k1']);
    assert.deepEqual(values('Processed').slice(2), [{ processed: { orderId: 2 } }]);
    assert.equal(values('OrderQueue').length, 3, 'nothing upstream re-sent');
    assert.equal(retried.parked, 0);
    const after = await readSummary(first.directory);
    assert.equal(after.status, 'succeeded');
    // The whole run's totals: the retried message moved from parked to delivered, nothing was read twice.
    assert.deepEqual(after.reconciliation.find((r) => r.connection === 'OrderQueue -> OrderService'), { connection: 'OrderQueue -> OrderService', read: 3, delivered: 3, parked: 0, filtered: 0, balanced: true });
    assert.deepEqual(retried.reconciliation, after.reconciliation);
  });

  it('does not retry a 400 and blocks the connections waiting on the failed one', async () => {
    world.failing = (component, m) => (component === 'OrderQueue' && m.key === 'k0' ? new ConnectorError('access refused', '4xx') : undefined);
    const clock = new FakeClock();
    const result = await startRun(FLOW, {}, deps({ clock }));
    assert.equal(result.status, 'failed');
    assert.deepEqual(clock.sleeps, []);
    assert.equal(result.parked, 1);
    const summary = await readSummary(result.directory);
    assert.deepEqual(summary.components, { OrderQueue: 'failed', AuditQueue: 'succeeded', OrderService: 'blocked', Processed: 'succeeded' });
    assert.equal(world.calls.get('OrderService'), undefined);
    const { records } = await readJournal(result.directory);
    assert.deepEqual(records.filter((r) => r.t === 'connection').map((r) => [(r as { connection: string }).connection, (r as { status: string }).status]).sort(), [
      ['Audit -> AuditQueue', 'succeeded'], ['OrderQueue -> OrderService', 'blocked'], ['OrderService -> Processed', 'succeeded'], ['Orders -> OrderQueue', 'failed'],
    ]);
  });

  it('dry-run writes nothing and commits nothing, and reports what would be delivered', async () => {
    seed(world, 'Orders', [{ orderId: 1 }, { bad: true }]);
    const result = await startRun(FLOW, { mode: 'dry-run' }, deps());
    assert.deepEqual(world.stores.get('OrderQueue') ?? [], []);
    assert.deepEqual(world.stores.get('AuditQueue') ?? [], []);
    assert.deepEqual(world.stores.get('Processed') ?? [], []);
    assert.equal(world.calls.size, 0);
    assert.equal(world.commits.size, 0);
    const orders = result.reconciliation.find((r) => r.connection === 'Orders -> OrderQueue')!;
    assert.deepEqual([orders.read, orders.delivered, orders.filtered], [2, 1, 1]);
  });

  it('strict parks exactly the invalid messages; warn delivers them with a warning', async () => {
    seed(world, 'Orders', [{ orderId: 1 }, { orderId: 'x' }, { orderId: 3 }]);
    const strict = await startRun(FLOW, { mode: 'strict' }, deps());
    assert.deepEqual(values('OrderQueue'), [{ orderId: 1 }, { orderId: 3 }]);
    const { records } = await readJournal(strict.directory);
    assert.deepEqual(records.filter((r) => r.t === 'parked').map((r) => (r as { key: string }).key), ['k1']);
    world.stores.delete('OrderQueue');
    events = [];
    await startRun(FLOW, { mode: 'warn' }, deps());
    assert.equal(values('OrderQueue').length, 3);
    assert.ok(events.some((e) => e.type === 'log' && e.level === 'warn' && e.message.includes('does not match the schema')));
  });

  it('pre-flight fails before anything moves, naming the component', async () => {
    const factory = world.factory;
    await assert.rejects(
      startRun(FLOW, {}, deps({ connectors: (name, props) => factory(name, name === 'AuditQueue' ? { ...props, url: 'unreachable' } : props) })),
      (e: Error) => e instanceof PreflightError && e.message === 'pre-flight: component AuditQueue: unreachable refused the connection',
    );
    assert.equal(world.stores.get('OrderQueue'), undefined);
  });

  it('never writes a secret value to the journal, summary or events', async () => {
    world.failing = (component) => (component === 'OrderService' ? new ConnectorError(`auth failed for ${SECRET}`, '4xx') : undefined);
    const result = await startRun(FLOW, {}, deps());
    for (const file of readdirSync(result.directory)) assert.ok(!readFileSync(join(result.directory, file), 'utf8').includes(SECRET), file);
    assert.ok(!JSON.stringify(events).includes(SECRET));
    assert.ok(JSON.stringify(events).includes(`auth failed for ${MASK}`));
  });

  it('reports the whole run\'s totals after a resume, not the last segment\'s: in the summary, the result and show', async () => {
    seed(world, 'Orders', Array.from({ length: 10 }, (_, i) => ({ orderId: i + 1 })));
    const controller = new AbortController();
    // k4 fails once; while it waits to be retried, the run is stopped as soon as k0..k3 are committed.
    world.failing = (component, m) => (component === 'OrderQueue' && m.key === 'k4' ? new ConnectorError('connection reset', 'connection') : undefined);
    const stopping: Clock = {
      now: () => 0,
      sleep: async (_ms, signal) => {
        while ((world.commits.get('Orders') ?? []).length < 4) await new Promise((resolve) => setImmediate(resolve));
        controller.abort();
        throw abortReason(signal);
      },
    };
    const first = await startRun(FLOW, { only: 'OrderQueue' }, deps({ signal: controller.signal, clock: stopping }));
    assert.equal(first.status, 'stopped');
    assert.deepEqual(world.commits.get('Orders'), ['Orders@0', 'Orders@1', 'Orders@2', 'Orders@3']);
    world.failing = () => undefined;
    const resumed = await resumeRun(first.runId, deps());
    assert.equal(resumed.status, 'succeeded', resumed.error);
    assert.equal(new Set(world.commits.get('Orders')).size, 10);
    const whole = [{ connection: 'Orders -> OrderQueue', read: 10, delivered: 10, parked: 0, filtered: 0, balanced: true }];
    assert.deepEqual(resumed.reconciliation, whole);
    const summary = await readSummary(first.directory);
    assert.deepEqual(summary.reconciliation, whole);
    assert.equal(summary.resumed, 1);
    const shown = await runDetails(new FolderRunStore(runsDir), first.runId);
    assert.deepEqual(shown.summary.reconciliation, whole, 'show --json prints these details');
  });

  it('a Stop lets the messages in flight finish: their replies flow downstream and are committed, nothing more is sent, and a resume sends none of them again', async () => {
    seed(world, 'Orders', Array.from({ length: 8 }, (_, i) => ({ orderId: i + 1 })));
    const stop = new AbortController();
    // OrderService holds its calls until the Stop; then it answers them (and any later one) at once.
    const held: (() => void)[] = [];
    const factory: ConnectorFactory = (name, props) => {
      const connector = world.factory(name, props);
      if (name !== 'OrderService') return connector;
      return {
        ...connector,
        openWriter: async (settings, signal) => {
          const writer = await connector.openWriter!(settings, signal);
          return { ...writer, write: async (m, s) => (stop.signal.aborted ? writer.write(m, s) : new Promise<void>((r) => held.push(r)).then(() => writer.write(m, s))) };
        },
      };
    };
    const running = startRun(FLOW, {}, deps({ connectors: factory, stopReading: stop.signal, maxInFlight: 2 }));
    while (held.length < 2) await new Promise((resolve) => setImmediate(resolve));
    stop.abort();
    for (const answer of held.splice(0)) answer();
    const first = await running;
    assert.equal(first.status, 'stopped');
    assert.equal(world.calls.get('OrderService')!.length, 2, 'nothing more was sent after the Stop');
    assert.deepEqual(values('Processed'), [{ processed: { orderId: 1 } }, { processed: { orderId: 2 } }], 'the replies of the two in flight went downstream');
    assert.deepEqual(world.commits.get('OrderQueue'), ['OrderQueue@0', 'OrderQueue@1']);
    assert.deepEqual((await runDetails(new FolderRunStore(runsDir), first.runId)).inDoubt, [], 'the six never written are not in doubt');
    const resumed = await resumeRun(first.runId, deps());
    assert.equal(resumed.status, 'succeeded', resumed.error);
    assert.deepEqual([...world.calls.get('OrderService')!].sort(), Array.from({ length: 8 }, (_, i) => `k${i}`), 'each order sent to the service once');
    assert.equal(values('Processed').length, 8);
    assert.deepEqual(resumed.reconciliation.map((r) => [r.connection, r.read, r.delivered]).filter(([c]) => String(c).includes('OrderService')), [
      ['OrderQueue -> OrderService', 8, 8], ['OrderService -> Processed', 8, 8],
    ]);
  });

  it('a Stop without grace leaves in doubt only the messages being written, not those waiting behind one of their key', async () => {
    // Four orders of one key: the first is being written (held) when the Stop comes; the others wait for its turn.
    world.stores.set('Orders', Array.from({ length: 4 }, (_, i) => ({ key: 'same', value: Buffer.from(JSON.stringify({ orderId: i + 1 })), headers: {} })));
    const controller = new AbortController();
    let writing = 0;
    const factory: ConnectorFactory = (name, props) => {
      const connector = world.factory(name, props);
      if (name !== 'OrderService') return connector;
      return {
        ...connector,
        openWriter: async () => ({
          close: () => Promise.resolve(),
          write: (_m, signal) => {
            writing++;
            return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(abortReason(signal)), { once: true }));
          },
        }),
      };
    };
    const running = startRun(FLOW, {}, deps({ connectors: factory, signal: controller.signal, maxInFlight: 4 }));
    while (writing < 1) await new Promise((resolve) => setImmediate(resolve));
    // Let the later three reach their wait for the key's turn.
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    const result = await running;
    assert.equal(result.status, 'stopped');
    assert.equal(writing, 1, 'only the first was written');
    assert.deepEqual((await runDetails(new FolderRunStore(runsDir), result.runId)).inDoubt.filter((d) => d.connection.includes('OrderService')).map((d) => d.source), ['OrderQueue@0'], 'the three never written are not in doubt');
  });

  it('stops cleanly when the signal aborts: the run is stopped, nothing counted twice', async () => {
    const controller = new AbortController();
    world.failing = () => {
      controller.abort();
      return new ConnectorError('HTTP 503', '5xx');
    };
    const result = await startRun(FLOW, {}, deps({ signal: controller.signal }));
    assert.equal(result.status, 'stopped');
    assert.equal((await readSummary(result.directory)).status, 'stopped');
  });
});
