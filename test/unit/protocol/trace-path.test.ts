// A message's path through a run from its journal records: the components and connections it crossed and each hop's duration.
import * as assert from 'node:assert/strict';

import { durationText } from '../../../protocol/duration-text';
import { tracePathOf, type TraceRecord } from '../../../protocol/trace-path';

const at = (ms: number) => new Date(Date.UTC(2026, 11, 2, 12, 0, 0, ms)).toISOString();
const CONNECTIONS = [
  { connection: 'Orders -> Shop', connectionIndex: 0, from: 'Orders', to: 'Shop' },
  { connection: 'Shop -> Audit', connectionIndex: 1, from: 'Shop', to: 'Audit' },
  { connection: 'Orders -> Archive', connectionIndex: 2, from: 'Orders', to: 'Archive' },
];
const message = (traceId: string, key: string) => ({ traceId, key, source: `0:${key}` });

const RECORDS: TraceRecord[] = [
  { t: 'run-start', at: at(0), runId: 'r', flow: 'f', flowFile: '/f.flow.yaml', mode: 'warn', actor: 'me', versions: {}, connections: CONNECTIONS },
  { t: 'in-flight', at: at(10), connection: 'Orders -> Shop', ...message('t1', 'k1') },
  { t: 'in-flight', at: at(11), connection: 'Orders -> Shop', ...message('t2', 'k2') },
  { t: 'delivered', at: at(52), connection: 'Orders -> Shop', ...message('t1', 'k1'), target: '204' },
  { t: 'reply', at: at(53), id: 'x', component: 'Shop', traceId: 't1', key: 'k1', payload: '', headers: {} },
  { t: 'in-flight', at: at(60), connection: 'Shop -> Audit', ...message('t1', 'k1') },
  { t: 'parked', at: at(1490), id: 'p', connection: 'Shop -> Audit', component: 'Audit', ...message('t1', 'k1'), error: 'connection', attempts: 3 },
  { t: 'filtered', at: at(70), connection: 'Orders -> Archive', ...message('t1', 'k1'), reason: 'select' },
];

describe('a traced message\'s path', () => {
  it('lists what it crossed, a parked hop\'s target not reached, with each hop from in-flight to its confirm or park', () => {
    assert.deepEqual(tracePathOf(RECORDS, 't1'), { traceId: 't1', components: ['Orders', 'Shop'], connections: [0, 1, 2], durations: { 0: 42, 1: 1430 } });
  });

  it('finds the message by its key, and says nothing of a message the run never saw', () => {
    assert.deepEqual(tracePathOf(RECORDS, 'k2'), { traceId: 't2', components: ['Orders'], connections: [0], durations: {} });
    assert.equal(tracePathOf(RECORDS, 'nobody'), undefined);
  });

  it('gives a dry run\'s hops no duration (nothing was written), and an older journal without run-start\'s list components only', () => {
    const dry: TraceRecord[] = [RECORDS[0]!, { t: 'delivered', at: at(5), connection: 'Orders -> Shop', ...message('t3', 'k3'), target: 'dry-run' }];
    assert.deepEqual(tracePathOf(dry, 't3'), { traceId: 't3', components: ['Orders', 'Shop'], connections: [0], durations: {} });
    assert.deepEqual(tracePathOf(RECORDS.slice(1), 't1'), { traceId: 't1', components: ['Orders', 'Shop'], connections: [], durations: {} });
  });

  it('reads a duration as people do', () => {
    assert.deepEqual([0.4, 12.4, 999, 1430, 25_400].map(durationText), ['0 ms', '12 ms', '999 ms', '1.4s', '25.4s']);
  });
});
