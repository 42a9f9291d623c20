// Executor events as the diagram shows them while a run goes: states, counts per component and per connection.
import { strict as assert } from 'node:assert';
import type { ConnectionRef, ExecutorEvent } from '../../../protocol/executor-events';
import { LiveRunStatus, type WrittenConnection } from '../../../client/runs/live-run-status';

// Topic -> Queue -> Service -> Db, and Queue -> Db twice more (so the executor numbers that pair).
const CONNECTIONS: WrittenConnection[] = [
  { index: 0, from: 'Topic', to: 'Queue' },
  { index: 1, from: 'Queue', to: 'Service' },
  { index: 2, from: 'Service', to: 'Db' },
  { index: 3, from: 'Queue', to: 'Audit' },
  { index: 4, from: 'Queue', to: 'Audit' },
];

// The executor's labels, and the identity its events carry with them (run-started lists them all).
const LABELS = ['Topic -> Queue', 'Queue -> Service', 'Service -> Db', 'Queue -> Audit #3', 'Queue -> Audit #4'];
const REFS: ConnectionRef[] = CONNECTIONS.map((c, i) => ({ connection: LABELS[i]!, connectionIndex: c.index, from: c.from!, to: c.to! }));
const GHOST: ConnectionRef = { connection: 'Ghost -> Queue', connectionIndex: 9, from: 'Ghost', to: 'Queue' };
const ref = (connection: string): ConnectionRef => [...REFS, GHOST].find((c) => c.connection === connection)!;

const r = 'run-1';
const progress = (connection: string, read: number, delivered: number, parked = 0): ExecutorEvent => ({ type: 'connection-progress', runId: r, ...ref(connection), counts: { read, delivered, parked, filtered: 0 }, elapsedMs: 1 });
const status = (component: string, s: 'running' | 'succeeded' | 'failed' | 'blocked' | 'skipped'): ExecutorEvent => ({ type: 'component-status', runId: r, component, status: s });
const delivered = (connection: string): ExecutorEvent => ({ type: 'message-delivered', runId: r, ...ref(connection), traceId: 't', key: null, sourcePosition: '1', targetPosition: '1' });

describe('live run status for the diagram', () => {
  it('finds a connection by the index its events carry, never by reading the label', () => {
    const live = new LiveRunStatus(CONNECTIONS);
    live.apply({ type: 'run-started', runId: r, flow: 'f', mode: 'warn', at: '', components: ['Queue', 'Audit'], connections: REFS });
    live.apply(delivered('Queue -> Audit #4'));
    assert.deepEqual(live.snapshot().moved, { 4: 1 });
    // A component named `Queue #3`: its label reads like the third connection's, its index says it is the first.
    const named = new LiveRunStatus([{ index: 0, from: 'Topic', to: 'Queue #3' }]);
    named.apply({ type: 'message-delivered', runId: r, connection: 'Topic -> Queue #3', connectionIndex: 0, from: 'Topic', to: 'Queue #3', traceId: 't', key: null, sourcePosition: '1', targetPosition: '1' });
    assert.deepEqual(named.snapshot().moved, { 0: 1 });
    assert.equal(live.apply({ type: 'connection-progress', runId: r, ...ref('Queue -> Audit #4'), connectionIndex: 7, counts: { read: 1, delivered: 1, parked: 0, filtered: 0 }, elapsedMs: 1 }), false, 'an index the flow does not have');
  });

  it('shows the run as it goes: pending, then running with growing counts, retrying, then the final states', () => {
    const live = new LiveRunStatus(CONNECTIONS);
    assert.equal(live.apply({ type: 'run-started', runId: r, flow: 'f', mode: 'warn', at: '', components: ['Topic', 'Queue', 'Service', 'Db'], connections: REFS }), true);
    assert.deepEqual(live.snapshot(), {
      runId: r,
      components: {
        Topic: { state: 'pending', processed: 0, parked: 0, retries: 0 },
        Queue: { state: 'pending', processed: 0, parked: 0, retries: 0 },
        Service: { state: 'pending', processed: 0, parked: 0, retries: 0 },
        Db: { state: 'pending', processed: 0, parked: 0, retries: 0 },
      },
      moved: {},
      parked: {},
    });

    live.apply(status('Queue', 'running'));
    live.apply(delivered('Topic -> Queue'));
    live.apply(delivered('Topic -> Queue'));
    let s = live.snapshot();
    // The source reads as long as what it feeds runs; per-message events count before the next progress report.
    assert.deepEqual([s.components.Topic!.state, s.components.Queue!.state, s.components.Queue!.processed, s.moved[0]], ['running', 'running', 2, 2]);

    assert.equal(live.apply(progress('Topic -> Queue', 5, 4)), true);
    assert.equal(live.apply(progress('Topic -> Queue', 5, 4)), false, 'the same counts again change nothing');
    s = live.snapshot();
    assert.deepEqual([s.components.Topic!.processed, s.components.Queue!.processed, s.moved[0]], [5, 4, 4]);

    live.apply(status('Service', 'running'));
    live.apply({ type: 'message-retrying', runId: r, ...ref('Queue -> Service'), key: 'k', attempt: 1, waitMs: 500, error: 'HTTP 503' });
    s = live.snapshot();
    assert.deepEqual(s.components.Service, { state: 'retrying', processed: 0, parked: 0, retries: 1 });
    live.apply({ type: 'message-parked', runId: r, ...ref('Queue -> Service'), traceId: 't', key: 'k', sourcePosition: '3', error: 'HTTP 503', attempts: 5 });
    s = live.snapshot();
    assert.deepEqual(s.components.Service, { state: 'running', processed: 0, parked: 1, retries: 1 });
    assert.deepEqual(s.parked, { 1: 1 });

    live.apply(status('Queue', 'succeeded'));
    live.apply(status('Service', 'failed'));
    live.apply(status('Db', 'blocked'));
    live.apply({
      type: 'run-finished', runId: r, status: 'failed', at: '', durationMs: 10, reconciliation: [
        { connection: 'Topic -> Queue', read: 5, delivered: 5, parked: 0, filtered: 0, balanced: true },
        { connection: 'Queue -> Service', read: 5, delivered: 3, parked: 2, filtered: 0, balanced: true },
      ],
    });
    assert.deepEqual(live.snapshot(), {
      runId: r,
      components: {
        Topic: { state: 'succeeded', processed: 5, parked: 0, retries: 0 },
        Queue: { state: 'succeeded', processed: 5, parked: 0, retries: 0 },
        Service: { state: 'failed', processed: 3, parked: 2, retries: 1 },
        Db: { state: 'blocked', processed: 0, parked: 0, retries: 0 },
      },
      moved: { 0: 5, 1: 3 },
      parked: { 1: 2 },
    });
  });

  it('marks a source succeeded only when everything it feeds did, and components a stop skipped as stopped', () => {
    const live = new LiveRunStatus(CONNECTIONS.slice(0, 2));
    live.apply({ type: 'run-started', runId: r, flow: 'f', mode: 'warn', at: '', components: ['Topic', 'Queue', 'Service'], connections: REFS });
    live.apply(status('Queue', 'skipped'));
    live.apply(status('Service', 'skipped'));
    live.apply({ type: 'run-finished', runId: r, status: 'stopped', at: '', durationMs: 1, reconciliation: [] });
    assert.deepEqual(Object.values(live.snapshot().components).map((c) => c.state), ['stopped', 'stopped', 'stopped']);

    const ok = new LiveRunStatus(CONNECTIONS.slice(0, 1));
    ok.apply({ type: 'run-started', runId: r, flow: 'f', mode: 'warn', at: '', components: ['Topic', 'Queue'], connections: REFS });
    ok.apply(status('Queue', 'succeeded'));
    ok.apply({ type: 'run-finished', runId: r, status: 'succeeded', at: '', durationMs: 1, reconciliation: [{ connection: 'Topic -> Queue', read: 2, delivered: 2, parked: 0, filtered: 0, balanced: true }] });
    assert.deepEqual(ok.snapshot().components.Topic, { state: 'succeeded', processed: 2, parked: 0, retries: 0 });
  });

  it('ignores events that change nothing on the diagram', () => {
    const live = new LiveRunStatus(CONNECTIONS);
    assert.equal(live.apply({ type: 'log', level: 'info', message: 'hello' }), false);
    assert.equal(live.apply(progress('Ghost -> Queue', 1, 1)), false);
  });

  it('marks the status of a dry run as one, so the diagram says what it would deliver', () => {
    const live = new LiveRunStatus(CONNECTIONS.slice(0, 1));
    live.apply({ type: 'run-started', runId: r, flow: 'f', mode: 'dry-run', at: '', components: ['Topic', 'Queue'], connections: REFS.slice(0, 1) });
    live.apply({ type: 'run-finished', runId: r, status: 'succeeded', at: '', durationMs: 1, reconciliation: [{ connection: 'Topic -> Queue', read: 3, delivered: 3, parked: 0, filtered: 0, balanced: true }] });
    assert.equal(live.snapshot().dryRun, true);
    const real = new LiveRunStatus(CONNECTIONS.slice(0, 1));
    real.apply({ type: 'run-started', runId: r, flow: 'f', mode: 'warn', at: '', components: ['Topic', 'Queue'], connections: REFS.slice(0, 1) });
    assert.equal(real.snapshot().dryRun, undefined);
  });
});
