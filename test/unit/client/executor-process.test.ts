// The executor child process seen from the extension: events, secrets on request, stop, and a crash with its cause.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { ExecutorCrashError, ExecutorProcess, ExecutorQueryError } from '../../../client/executor/executor-process';
import { MASK } from '../../../flow/secret-mask';
import type { ExecutorEvent } from '../../../protocol/executor-events';

const fixture = (name: string) => join(__dirname, 'fixtures', name);
const run = { type: 'run', flowFile: '/w/x.flow.yaml', options: {} } as const;

describe('executor process', () => {
  it('answers a secret request from the handler and resolves with the finished run', async () => {
    const events: ExecutorEvent[] = [];
    const child = new ExecutorProcess(fixture('secret-worker.js'), __dirname);
    const outcome = await child.execute(run, { onEvent: (e) => events.push(e), secret: (name) => Promise.resolve(name === 'rabbit-password' ? 'hunter22' : undefined) });
    assert.deepEqual(outcome, { runId: 'r-secret', status: 'succeeded', error: undefined });
    assert.deepEqual(events.map((e) => e.type), ['run-started', 'log', 'run-finished']);
    assert.deepEqual(events[1], { type: 'log', level: 'info', message: 'secret length 8' });
    assert.equal(child.running, false);
  });

  it('stops a run on request: the child ends it as interrupted', async () => {
    const child = new ExecutorProcess(fixture('secret-worker.js'), __dirname, { ...process.env, WAIT_FOR_STOP: '1' });
    const outcome = child.execute(run, {
      onEvent: (e) => (e.type === 'log' ? child.stop() : undefined),
      secret: () => Promise.resolve('x'),
    });
    assert.deepEqual(await outcome, { runId: 'r-secret', status: 'interrupted', error: undefined });
  });

  it('reports a crash with its cause and the run it interrupted', async () => {
    const child = new ExecutorProcess(fixture('crashing-worker.js'), __dirname);
    await assert.rejects(child.execute(run, { onEvent: () => undefined, secret: () => Promise.resolve(undefined) }), (error: unknown) => {
      assert.ok(error instanceof ExecutorCrashError);
      assert.equal(error.message, "The executor stopped unexpectedly during run r-crash: TypeError: Cannot read properties of undefined (reading 'topic').");
      return true;
    });
    assert.equal(child.running, false);
  });

  it('masks every secret handed to the child in the stderr of a crash, before it reaches the log', async () => {
    const child = new ExecutorProcess(fixture('leaking-worker.js'), __dirname);
    await assert.rejects(child.execute(run, { onEvent: () => undefined, secret: () => Promise.resolve('hunter2') }), (error: unknown) => {
      assert.ok(error instanceof ExecutorCrashError);
      assert.equal(error.message, `The executor stopped unexpectedly during run r-leak: Error: connect failed for amqp://guest:${MASK}@rabbit:5672 (password ${MASK}).`);
      assert.equal(error.stderr, `Error: connect failed for amqp://guest:${MASK}@rabbit:5672 (password ${MASK})\n`);
      return true;
    });
  });

  it('settles a command that fails before its run starts and closes the worker', async () => {
    const child = new ExecutorProcess(fixture('refusing-worker.js'), __dirname);
    const outcome = await child.execute(run, { onEvent: () => undefined, secret: () => Promise.resolve(undefined) });
    assert.deepEqual(outcome, { runId: undefined, status: 'failed', error: 'component Db: the database connector is not available in this build' });
    assert.equal(child.running, false);
  });

  it('forks the built CLI bundle as the executor child, which answers over IPC instead of printing its usage', async function () {
    this.timeout(20_000);
    const cli = join(__dirname, '..', '..', '..', 'dist', 'executor', 'cli.js');
    const missing = join(__dirname, 'fixtures', 'no-such.flow.yaml');
    const child = new ExecutorProcess(cli, __dirname);
    const outcome = await child.execute({ type: 'run', flowFile: missing, options: {} }, { onEvent: () => undefined, secret: () => Promise.resolve(undefined) });
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.runId, undefined);
    assert.match(outcome.error ?? '', /no-such\.flow\.yaml/);
  });

  it('asks the built executor child a read and rejects with its error line: a run store it does not know', async function () {
    this.timeout(20_000);
    const cli = join(__dirname, '..', '..', '..', 'dist', 'executor', 'cli.js');
    const child = new ExecutorProcess(cli, __dirname);
    const asked = child.ask({ type: 'list-runs', runsStore: 'mysql://u:hunter22@db/runs' }, (e) => (e.type === 'runs-listed' ? e.runs : undefined));
    await assert.rejects(asked, (error: unknown) => {
      assert.ok(error instanceof ExecutorQueryError);
      assert.equal(error.message, `--runs-store must be a postgres:// or postgresql:// URL, not 'mysql://u:${MASK}@db/runs'`);
      return true;
    });
    assert.equal(child.running, false);
  });

  it('reports a worker file that does not exist as a crash, not an exception in the host', async () => {
    const child = new ExecutorProcess(fixture('missing-worker.js'), __dirname);
    await assert.rejects(child.execute(run, { onEvent: () => undefined, secret: () => Promise.resolve(undefined) }), ExecutorCrashError);
  });
});
