// The examples' tasks (examples/.vscode/tasks.json) in a real VS Code: offered by Run Task, and each runs as a new user would
// (the tables created without psql, Kafka fed through the KAFKA_BROKERS that npm start passes, the order service answering).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { until } from './support/run-fixtures';

const LABELS = [
  'Examples: create the tables',
  'Examples: feed Kafka (20 orders on orders)',
  'Examples: feed RabbitMQ (10 orders on order-intake)',
  'Examples: feed RabbitMQ (100 orders on legacy-orders)',
  'Examples: start the order service',
  'Examples: start the order service failing order o-3',
];

async function task(label: string): Promise<vscode.Task> {
  const found = (await vscode.tasks.fetchTasks()).find((t) => t.name === label);
  assert.ok(found, `the task "${label}" is offered`);
  return found;
}

/** Runs a task to its end; resolves its process's exit code. */
async function exitCodeOf(label: string): Promise<number | undefined> {
  const t = await task(label);
  return new Promise((resolve, reject) => {
    const subscription = vscode.tasks.onDidEndTaskProcess((e) => {
      if (e.execution.task.name !== label) return;
      subscription.dispose();
      resolve(e.exitCode);
    });
    vscode.tasks.executeTask(t).then(undefined, (error: Error) => (subscription.dispose(), reject(error)));
  });
}

describe('the examples\' tasks in VS Code', function () {
  this.timeout(120_000);

  it('Run Task offers every example task', async () => {
    const names = (await vscode.tasks.fetchTasks()).map((t) => t.name);
    assert.deepEqual(LABELS.filter((l) => !names.includes(l)), []);
  });

  it('creates the tables and feeds Kafka, each exiting 0', async function () {
    assert.ok(process.env.KAFKA_BROKERS, 'KAFKA_BROKERS reaches VS Code (the harness passes FLOWTRACER_TEST_KAFKA_BROKERS as npm start passes its broker)');
    assert.equal(await exitCodeOf('Examples: create the tables'), 0);
    assert.equal(await exitCodeOf('Examples: feed Kafka (20 orders on orders)'), 0);
  });

  it('starts the order service on 127.0.0.1:18080 until the task is stopped', async () => {
    const execution = await vscode.tasks.executeTask(await task('Examples: start the order service'));
    try {
      const reply = await until('the order service to answer', async () => {
        const response = await fetch('http://127.0.0.1:18080/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"orderId":"o-1"}' }).catch(() => undefined);
        return response ? { status: response.status, body: (await response.json()) as Record<string, unknown> } : undefined;
      });
      assert.equal(reply.status, 200);
      assert.equal(reply.body['orderId'], 'o-1');
    } finally {
      const ended = new Promise<void>((resolve) => vscode.tasks.onDidEndTask((e) => e.execution === execution && resolve()));
      execution.terminate();
      await ended;
    }
  });
});
