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
});
