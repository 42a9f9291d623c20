// What `flowtracer show` says after a dry run of an mq→mq flow (real RabbitMQ, through the built CLI): what it would deliver, never that it delivered.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deleteQueue, drainQueue, fillQueue } from './broker-clients';
import { CLI, lastJson, runCli } from './cli-process';

describe('flowtracer show after a dry run (RabbitMQ, through the CLI)', function () {
  this.timeout(60_000);
  const tag = randomBytes(4).toString('hex');
  const source = `ft-dry-show-in-${tag}`;
  const target = `ft-dry-show-out-${tag}`;
  let dir: string;

  before(() => assert.ok(existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`));
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ft-dry-show-'));
  });
  afterEach(async () => {
    await deleteQueue(source);
    await deleteQueue(target);
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints "would deliver 5" for the connection, the run as a dry run, and leaves both queues as they were', async () => {
    await fillQueue(source, Array.from({ length: 5 }, (_, i) => ({ key: `order-${i}`, value: { orderId: i } })));
    const file = join(dir, 'dry.flow.yaml');
    writeFileSync(file, `flow: dry-show-${tag}
components:
  Intake:
    type: mq
    url: "\${env:FLOWTRACER_TEST_AMQP_URL}"
    queue: ${source}
  Out:
    type: mq
    url: "\${env:FLOWTRACER_TEST_AMQP_URL}"
    queue: ${target}
connections:
  - from: Intake
    to: Out
    select: { until: empty }
`);
    const runsDir = join(dir, 'runs');
    const run = await runCli(['run', file, '--mode', 'dry-run', '--runs-dir', runsDir, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const { result } = lastJson<{ result: { runId: string; status: string } }>(run);
    assert.equal(result.status, 'succeeded');

    const shown = await runCli(['show', result.runId, '--runs-dir', runsDir]);
    assert.equal(shown.code, 0, shown.stderr);
    const lines = shown.stdout.trim().split('\n');
    assert.equal(lines[0], `run ${result.runId}: dry-show-${tag} (dry-run) succeeded`);
    assert.ok(lines.includes('  Intake -> Out: read 5 = would deliver 5 + parked 0 + filtered 0'), shown.stdout);
    assert.doesNotMatch(shown.stdout, /delivered/, 'a dry run delivered nothing and never says it did');

    assert.deepEqual(await drainQueue(target), [], 'nothing was published to the target');
    assert.deepEqual((await drainQueue(source)).map((m) => m.key), ['order-0', 'order-1', 'order-2', 'order-3', 'order-4'], 'the source keeps every message');
  });
});
