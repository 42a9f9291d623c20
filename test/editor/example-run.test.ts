// Runs a shipped example from the command in a real VS Code: RabbitMQ → the example order service → PostgreSQL.
import * as assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { TestedApi } from './support/workspace';
import type { ExecutorOutcome } from '../../client/executor/executor-process';
import { AMQP_URL, deleteQueues, flowTracer, publish, queueDepth, until, workspaceFolder } from './support/run-fixtures';

const PG_URL = process.env['FLOWTRACER_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

function psql(sql: string): string {
  return execFileSync('psql', [PG_URL, '-Atqc', sql], { encoding: 'utf8' }).trim();
}

/** Starts examples/order-service/server.mjs from the workspace on a free port; resolves its URL. */
async function startOrderService(folder: vscode.Uri): Promise<{ url: string; child: ChildProcess }> {
  const script = vscode.Uri.joinPath(folder, 'order-service', 'server.mjs').fsPath;
  const child = spawn(process.execPath, [script, '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const url = await until('the order service to listen', () => /on (http:\/\/\S+\/orders)/.exec(out)?.[1]);
  return { url, child };
}

describe('FlowTracer runs a shipped example in VS Code (RabbitMQ, HTTP, PostgreSQL)', function () {
  this.timeout(120_000);
  let api: TestedApi;
  let service: { url: string; child: ChildProcess } | undefined;
  const tag = randomUUID().slice(0, 8);
  const queue = `ft-example-intake-${tag}`;
  const table = `ft_example_orders_${tag.replace(/-/g, '_')}`;
  const previousEnv = new Map<string, string | undefined>();

  before(async () => {
    api = await flowTracer();
    api.test.setTrusted(true);
    await api.test.setGithubSessionProvider({ getSession: () => Promise.resolve(undefined), signOut: () => Promise.resolve() });
    service = await startOrderService(workspaceFolder());
    psql(`CREATE TABLE ${table} (order_id text PRIMARY KEY, status text NOT NULL, body jsonb NOT NULL)`);
    // The example reads its addresses from the environment, which the executor child inherits
    // (put back afterwards: the suites that follow run the examples with their own addresses).
    const values = {
      FLOWTRACER_AMQP_URL: AMQP_URL, FLOWTRACER_PG_URL: PG_URL, FLOWTRACER_INTAKE_QUEUE: queue,
      FLOWTRACER_ORDERS_TABLE: table, ORDER_SERVICE_URL: service.url,
    };
    for (const name of Object.keys(values)) previousEnv.set(name, process.env[name]);
    Object.assign(process.env, values);
  });
  after(async () => {
    for (const [name, value] of previousEnv) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    service?.child.kill();
    psql(`DROP TABLE IF EXISTS ${table}`);
    await deleteQueues(queue);
  });

  it('Run Flow on examples/order-intake drains the queue through the service into the table', async () => {
    const orders = Array.from({ length: 6 }, (_, i) => JSON.stringify({ orderId: `o-${i}`, items: [{ qty: 2, price: 5 }] }));
    await publish(queue, orders);
    const uri = vscode.Uri.joinPath(workspaceFolder(), 'order-intake', 'order-intake.flow.yaml');
    const outcome = (await vscode.commands.executeCommand('flowtracer.runFlow', uri, 'warn')) as ExecutorOutcome;
    assert.equal(outcome.status, 'succeeded');
    assert.equal(await queueDepth(queue), 0);
    assert.equal(psql(`SELECT string_agg(order_id || ':' || status || ':' || (body->>'total'), ',' ORDER BY order_id) FROM ${table}`),
      'o-0:accepted:10,o-1:accepted:10,o-2:accepted:10,o-3:accepted:10,o-4:accepted:10,o-5:accepted:10');
    const run = api.test.runsTree.getChildren()[0]!;
    assert.equal(run.kind, 'run');
    const components = api.test.runsTree.getChildren(run).map((n) => {
      const item = api.test.runsTree.getTreeItem(n);
      return [item.label, String(item.description).replace(/ · [\d.]+(s| ms)$/, '')];
    });
    assert.deepEqual(components, [['OrderService', 'succeeded · 6 received'], ['OrderDB', 'succeeded · 6 received']]);
    assert.match(api.test.logText(), /\[info\] OrderDB succeeded in [\d.]+(s| ms): 6 delivered, 0 parked, 0 filtered/);
  });
});
