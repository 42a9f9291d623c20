// The examples' tasks (examples/.vscode/tasks.json) in a real VS Code: offered by Run Task, each runs as a new user would
// (the tables created without psql, Kafka fed through the KAFKA_BROKERS that npm start passes, the order service answering),
// and every example runs end to end from them and the palette: order processing (Kafka -> RabbitMQ -> order service ->
// PostgreSQL), order intake (RabbitMQ -> order service -> PostgreSQL), the legacy queue migration (RabbitMQ -> Kafka) and
// the customer backfill (PostgreSQL -> Kafka).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Kafka, logLevel } from 'kafkajs';
import * as vscode from 'vscode';
import type { ExecutorOutcome } from '../../client/executor/executor-process';
import { deleteQueues, flowTracer, queueDepth, until, workspaceFolder } from './support/run-fixtures';
import { ScriptedPrompter } from './support/scripted-prompter';

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

const PG_URL = process.env['FLOWTRACER_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const psql = (sql: string): string => execFileSync('psql', [PG_URL, '-Atqc', sql], { encoding: 'utf8' }).trim();

/** Starts a background task and resolves once the order service answers a POST (the task keeps running). */
async function startService(label: string): Promise<vscode.TaskExecution> {
  const execution = await vscode.tasks.executeTask(await task(label));
  await until('the order service to answer', () =>
    fetch('http://127.0.0.1:18080/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"orderId":"probe"}' }).then((r) => r.status, () => undefined));
  return execution;
}

async function stop(execution: vscode.TaskExecution): Promise<void> {
  const ended = new Promise<void>((resolve) => vscode.tasks.onDidEndTask((e) => e.execution === execution && resolve()));
  execution.terminate();
  await ended;
}

/** How many records a topic holds (the sum of its partitions' end offsets; 0 before it exists). */
async function topicSize(topic: string): Promise<number> {
  const admin = new Kafka({ clientId: 'ft-example-test', brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) return 0;
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Opens an example's flow as a user does and runs it from the palette's command. */
async function runExample(...path: string[]): Promise<ExecutorOutcome> {
  const flow = vscode.Uri.joinPath(workspaceFolder(), ...path);
  await vscode.window.showTextDocument(flow);
  return vscode.commands.executeCommand<ExecutorOutcome>('flowtracer.runFlow', flow, 'warn');
}

describe('the examples\' tasks in VS Code', function () {
  this.timeout(180_000);

  it('Run Task offers every example task', async () => {
    const names = (await vscode.tasks.fetchTasks()).map((t) => t.name);
    assert.deepEqual(LABELS.filter((l) => !names.includes(l)), []);
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

  it('runs the order-processing example end to end from the tasks and the palette: 20 orders land in PostgreSQL', async () => {
    const { EXAMPLE_ORDERS_QUEUE: queue, EXAMPLE_PROCESSED_TABLE: table } = process.env;
    assert.ok(queue && table, 'the harness names the example\'s queue and table for this run');
    const api = await flowTracer();
    api.test.setTrusted(true);
    await api.test.setGithubSessionProvider({ getSession: () => Promise.resolve(undefined), signOut: () => Promise.resolve() });
    let service: vscode.TaskExecution | undefined;
    try {
      // README step 1: the tasks.
      assert.ok(process.env.KAFKA_BROKERS, 'KAFKA_BROKERS reaches VS Code (the harness passes FLOWTRACER_TEST_KAFKA_BROKERS as npm start passes its broker)');
      assert.equal(await exitCodeOf('Examples: create the tables'), 0);
      assert.equal(await exitCodeOf('Examples: feed Kafka (20 orders on orders)'), 0);
      service = await startService('Examples: start the order service');
      // Step 2: the secret, through Set Secret as a user types it.
      api.test.setPrompter(new ScriptedPrompter([() => 'rabbit-password', () => 'guest']));
      await vscode.commands.executeCommand('flowtracer.setSecret');
      // Step 3: Run Flow.
      const flow = vscode.Uri.joinPath(workspaceFolder(), 'order-flow', 'order-processing.flow.yaml');
      await vscode.window.showTextDocument(flow);
      const outcome = await vscode.commands.executeCommand<ExecutorOutcome>('flowtracer.runFlow', flow, 'warn');
      const rows = psql(`SELECT count(*) FROM ${table}`);
      assert.equal(outcome.status, 'succeeded', `${outcome.error ?? ''}\n${api.test.logText().split('\n').slice(-15).join('\n')}`);
      assert.equal(await queueDepth(queue), 0, 'the queue was drained through the service');
      assert.equal(rows, '20', 'one row per order in the example\'s table');
      assert.equal(psql(`SELECT count(*) FROM ${table} WHERE status = 'accepted'`), '20');
    } finally {
      api.test.setPrompter(undefined);
      if (service) await stop(service);
      psql(`DROP TABLE IF EXISTS ${table}`);
      await deleteQueues(queue!);
    }
  });

  describe('the other examples, each from its README\'s tasks and Run Flow', () => {
    let api: Awaited<ReturnType<typeof flowTracer>>;
    const failure = (outcome: ExecutorOutcome) => `${outcome.error ?? ''}\n${api.test.logText().split('\n').slice(-15).join('\n')}`;
    before(async () => {
      api = await flowTracer();
      api.test.setTrusted(true);
      await api.test.setGithubSessionProvider({ getSession: () => Promise.resolve(undefined), signOut: () => Promise.resolve() });
    });

    it('order intake: the 10 orders fed to RabbitMQ go through the order service into intake_orders, and a second run updates them', async () => {
      await deleteQueues('order-intake');
      let service: vscode.TaskExecution | undefined;
      try {
        assert.equal(await exitCodeOf('Examples: create the tables'), 0);
        service = await startService('Examples: start the order service');
        for (const round of [1, 2]) {
          assert.equal(await exitCodeOf('Examples: feed RabbitMQ (10 orders on order-intake)'), 0);
          const outcome = await runExample('order-intake', 'order-intake.flow.yaml');
          assert.equal(outcome.status, 'succeeded', `round ${round}: ${failure(outcome)}`);
          assert.equal(await queueDepth('order-intake'), 0, 'the queue was drained');
          const orders = Array.from({ length: 10 }, (_, i) => `'o-${i + 1}'`).join(',');
          assert.equal(psql(`SELECT count(*) FROM intake_orders WHERE order_id IN (${orders}) AND status = 'accepted'`), '10', `round ${round}`);
        }
      } finally {
        if (service) await stop(service);
        await deleteQueues('order-intake');
      }
    });

    it('legacy queue migration: the 100 orders fed to legacy-orders land on orders-v2, the queue empty', async () => {
      await deleteQueues('legacy-orders');
      try {
        const before = await topicSize('orders-v2');
        assert.equal(await exitCodeOf('Examples: feed RabbitMQ (100 orders on legacy-orders)'), 0);
        const outcome = await runExample('mq-to-kafka', 'mq-to-kafka.flow.yaml');
        assert.equal(outcome.status, 'succeeded', failure(outcome));
        assert.equal(await queueDepth('legacy-orders'), 0);
        assert.equal((await topicSize('orders-v2')) - before, 100);
      } finally {
        await deleteQueues('legacy-orders');
      }
    });

    it('customer backfill: every customer row created since 2020 becomes one message on customers', async () => {
      assert.equal(await exitCodeOf('Examples: create the tables'), 0);
      const rows = Number(psql("SELECT count(*) FROM customers WHERE created_at >= '2020-01-01'"));
      assert.ok(rows >= 50, `the task created the customers (${rows})`);
      const before = await topicSize('customers');
      const outcome = await runExample('postgres-backfill', 'postgres-backfill.flow.yaml');
      assert.equal(outcome.status, 'succeeded', failure(outcome));
      assert.equal((await topicSize('customers')) - before, rows);
    });
  });
});
