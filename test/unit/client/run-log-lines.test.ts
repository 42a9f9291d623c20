// How executor events read in the FlowTracer log.
import { strict as assert } from 'node:assert';
import { headerLine, RunLogFormatter } from '../../../client/runs/run-log-lines';

describe('run log lines', () => {
  it('writes a header, component ends with counts and durations, and per-message lines at debug', () => {
    let now = 1000;
    const f = new RunLogFormatter(() => now);
    assert.deepEqual(headerLine({ command: 'Run', flow: 'orders', mode: 'warn', actor: 'alice (GitHub)' }, 'r1'), { level: 'info', text: '=== Run orders · mode warn · actor alice (GitHub) · run r1 ===' });
    assert.deepEqual(f.format({ type: 'component-status', runId: 'r1', component: 'Db', status: 'running' }), { level: 'info', text: 'Db started' });
    assert.deepEqual(f.format({ type: 'message-delivered', runId: 'r1', connection: 'Svc -> Db', connectionIndex: 0, from: 'Svc', to: 'Db', traceId: 't', key: 'k', sourcePosition: '1', targetPosition: '2' }), { level: 'debug', text: 'Svc -> Db: delivered k 1 -> 2 trace t' });
    f.format({ type: 'connection-progress', runId: 'r1', connection: 'Svc -> Db', connectionIndex: 0, from: 'Svc', to: 'Db', counts: { read: 5, delivered: 3, parked: 1, filtered: 1 }, elapsedMs: 10 });
    now = 3500;
    assert.deepEqual(f.format({ type: 'component-status', runId: 'r1', component: 'Db', status: 'failed', reason: 'PostgreSQL refused' }), { level: 'error', text: 'Db failed in 2.5s: 3 delivered, 1 parked, 1 filtered (PostgreSQL refused)' });
    assert.equal(f.format({ type: 'secret-request', requestId: 1, name: 'pw' }), undefined);
  });

  it('says what a dry run would deliver, never that it delivered', () => {
    const f = new RunLogFormatter(() => 0);
    f.format({ type: 'run-started', runId: 'r2', flow: 'orders', mode: 'dry-run', at: '', components: ['Svc', 'Db'], connections: [{ connection: 'Svc -> Db', connectionIndex: 0, from: 'Svc', to: 'Db' }] });
    f.format({ type: 'connection-progress', runId: 'r2', connection: 'Svc -> Db', connectionIndex: 0, from: 'Svc', to: 'Db', counts: { read: 5, delivered: 4, parked: 0, filtered: 1 }, elapsedMs: 10 });
    assert.deepEqual(f.format({ type: 'component-status', runId: 'r2', component: 'Db', status: 'succeeded' }), { level: 'info', text: 'Db succeeded: would deliver 4, 0 parked, 1 filtered' });
    assert.deepEqual(f.format({ type: 'run-finished', runId: 'r2', status: 'succeeded', at: '', durationMs: 2000, reconciliation: [{ connection: 'Svc -> Db', read: 5, delivered: 4, parked: 0, filtered: 1, balanced: true }] }), {
      level: 'info',
      text: 'run r2 succeeded in 2.0s\n  Svc -> Db read 5 = would deliver 4 + parked 0 + filtered 1',
    });
  });
});
