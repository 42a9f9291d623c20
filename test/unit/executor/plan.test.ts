import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { blockedBy, planRun, PlanRefused } from '../../../executor/plan';

const fixture = (name: string) => join(__dirname, 'fixtures', name);
const plan = (name: string, only?: string) => planRun(readFileSync(fixture(name), 'utf8'), { path: fixture(name), fs: { exists: existsSync }, only });

describe('planRun', () => {
  it('orders connections topologically, whatever the document order', () => {
    assert.deepEqual(plan('branches.flow.yaml').connections.map((c) => c.id), [
      'Orders -> OrderQueue', 'Audit -> AuditQueue', 'OrderQueue -> OrderService', 'OrderService -> OrderDB',
    ]);
  });

  it('a broker source waits for its upstream; a service source is fed by it; independent branches wait for nothing', () => {
    const byId = new Map(plan('branches.flow.yaml').connections.map((c) => [c.id, c]));
    assert.deepEqual(byId.get('Orders -> OrderQueue')!.waitsFor, []);
    assert.deepEqual(byId.get('Audit -> AuditQueue')!.waitsFor, []);
    assert.deepEqual(byId.get('OrderQueue -> OrderService')!.waitsFor, ['Orders -> OrderQueue']);
    assert.deepEqual(byId.get('OrderService -> OrderDB')!.fedBy, ['OrderQueue -> OrderService']);
    assert.deepEqual(byId.get('OrderService -> OrderDB')!.waitsFor, []);
  });

  it('blocks what waits on a failed connection, transitively, and nothing else', () => {
    const p = plan('branches.flow.yaml');
    assert.deepEqual([...blockedBy(p, new Set(['Orders -> OrderQueue']))], ['OrderQueue -> OrderService']);
    assert.deepEqual([...blockedBy(p, new Set(['Audit -> AuditQueue']))], []);
  });

  it('--only runs the connections delivering into one component', () => {
    assert.deepEqual(plan('branches.flow.yaml', 'OrderQueue').connections.map((c) => c.id), ['Orders -> OrderQueue']);
    assert.deepEqual(plan('branches.flow.yaml', 'Audit').connections.map((c) => c.id), ['Audit -> AuditQueue']);
  });

  it('--only with an unknown name suggests the closest component', () => {
    assert.throws(() => plan('branches.flow.yaml', 'OrderQeue'), (e: Error) => e instanceof PlanRefused && e.message === "--only OrderQeue: the flow has no component 'OrderQeue'; did you mean 'OrderQueue'?");
  });

  it('refuses an invalid flow and carries its diagnostics', () => {
    assert.throws(() => plan('broken.flow.yaml'), (e: Error) => {
      assert.ok(e instanceof PlanRefused);
      assert.equal(e.message, 'the flow has 2 errors; fix them before running');
      assert.deepEqual(e.diagnostics.map((d) => d.code), ['missing-property', 'unknown-component']);
      return true;
    });
  });
});
