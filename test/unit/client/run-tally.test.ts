// How a run's events become log lines, progress text and the status bar's words while it goes and when it ends.
import { strict as assert } from 'node:assert';
import type { ExecutorEvent } from '../../../protocol/executor-events';
import { RunTally } from '../../../client/runs/run-tally';

const HEADER = { flow: 'orders', mode: 'warn', actor: 'alice (GitHub)', command: 'Run' };
const identity = { connectionIndex: 0, from: 'K', to: 'Q' };
const started = (mode: 'warn' | 'dry-run'): ExecutorEvent => ({
  type: 'run-started', runId: 'r1', flow: 'orders', mode, at: '', components: ['K', 'Q'], connections: [{ connection: 'K -> Q', ...identity }],
});
const progress = (delivered: number, read: number, parked = 0): ExecutorEvent => ({
  type: 'connection-progress', runId: 'r1', connection: 'K -> Q', ...identity, counts: { read, delivered, parked, filtered: 0 }, elapsedMs: 10,
});

describe('run tally', () => {
  it('writes the header line when the run starts and reports each connection progress', () => {
    const tally = new RunTally(HEADER, () => 0);
    assert.deepEqual(tally.startingStatus(), { text: '$(sync~spin) orders: starting', tooltip: 'FlowTracer run in progress: click to stop', command: 'flowtracer.stopRun' });
    assert.deepEqual(tally.observe(started('warn')).lines[0], { level: 'info', text: '=== Run orders · mode warn · actor alice (GitHub) · run r1 ===' });
    const observed = tally.observe(progress(3, 5));
    assert.equal(observed.progress, 'K -> Q: 3/5');
    assert.deepEqual(tally.runningStatus(observed.progress), { text: '$(sync~spin) orders K -> Q: 3/5', tooltip: 'FlowTracer run in progress: click to stop', command: 'flowtracer.stopRun' });
    assert.equal(tally.observe({ type: 'component-status', runId: 'r1', component: 'Q', status: 'running' }).progress, undefined);
  });

  it('ends with the reconciliation totals, parked ones included, and a sentence when the run failed', () => {
    const tally = new RunTally(HEADER, () => 0);
    tally.observe(started('warn'));
    tally.observe(progress(3, 5, 1));
    tally.observe({ type: 'run-finished', runId: 'r1', status: 'failed', at: '', durationMs: 1000, reconciliation: [{ connection: 'K -> Q', read: 6, delivered: 4, parked: 2, filtered: 0, balanced: true }] });
    const outcome = { runId: 'r1', status: 'failed', error: 'Q refused' } as const;
    assert.deepEqual(tally.finishedStatus(outcome), { text: '$(error) orders: failed · 4 delivered, 2 parked', tooltip: 'FlowTracer run r1 of orders failed: click for the log', command: 'flowtracer.showLogs' });
    assert.equal(tally.failureMessage(outcome), 'Run r1 of orders failed: Q refused.');
    assert.equal(tally.failureMessage({ runId: 'r1', status: 'succeeded', error: undefined }), undefined);
  });

  it('says what a dry run would deliver: the mode the executor announces wins over the request', () => {
    const tally = new RunTally(HEADER, () => 0);
    tally.observe(started('dry-run'));
    assert.equal(tally.observe(progress(4, 4)).progress, 'K -> Q: would deliver 4/4');
    assert.equal(tally.finishedStatus({ runId: 'r1', status: 'succeeded', error: undefined }).text, '$(pass) orders: succeeded · would deliver 4');
  });

  it('a run that never started: no counts, and why', () => {
    const tally = new RunTally(HEADER, () => 0);
    const outcome = { runId: undefined, status: 'failed', error: 'the flow is invalid' } as const;
    assert.deepEqual(tally.finishedStatus(outcome), { text: '$(error) orders: failed', tooltip: 'orders did not start: click for the log', command: 'flowtracer.showLogs' });
    assert.equal(tally.failureMessage(outcome), 'orders did not start: the flow is invalid.');
    assert.equal(tally.crashedStatus().text, '$(error) orders: the executor stopped unexpectedly');
  });
});
