import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readSummary } from '../../../executor/journal';
import { runDetails } from '../../../executor/run-inspection';
import { deleteQueue, drainQueue, fillQueue, produce } from './broker-clients';

const ROOT = resolve(__dirname, '../../..');
const COUNT = 10_000;

function cli(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['-r', 'tsx/cjs', join(ROOT, 'executor/cli.ts'), ...args], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(child.exitCode) : child.once('exit', (code) => r(code))));
}

/** Lines in the run's journal that record a delivery (polls the file, no fixed sleeps). */
function deliveredLines(runsDir: string): number {
  if (!existsSync(runsDir)) return 0;
  const run = readdirSync(runsDir)[0];
  if (!run || !existsSync(join(runsDir, run, 'journal.ndjson'))) return 0;
  return readFileSync(join(runsDir, run, 'journal.ndjson'), 'utf8').split('"t":"delivered"').length - 1;
}

async function until(condition: () => boolean, child: ChildProcess): Promise<boolean> {
  while (!condition()) {
    if (child.exitCode !== null) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

describe('faults: the executor killed with SIGKILL', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ft-kill-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('kafka→mq killed five times at random points and resumed: every key arrives, duplicates only from the journal\'s in-flight window @kafka', async () => {
    const tag = Date.now().toString(36);
    const topic = `kill-${tag}`;
    const queue = `ft-kill-${tag}`;
    await produce(topic, Array.from({ length: COUNT }, (_, i) => ({ key: `key-${i}`, value: { i, pad: 'x'.repeat(200) } })));
    await fillQueue(queue, []);
    const file = join(dir, 'kill.flow.yaml');
    writeFileSync(file, `flow: kill\ncomponents:\n  Src:\n    type: kafka\n    brokers: ["\${env:FLOWTRACER_TEST_KAFKA_BROKERS}"]\n    topic: ${topic}\n  Dst:\n    type: mq\n    url: "${process.env.FLOWTRACER_TEST_AMQP_URL}"\n    queue: ${queue}\nconnections:\n  - from: Src\n    to: Dst\n    select: { from: earliest, until: end }\n`);
    const runsDir = join(dir, 'runs');
    const env = { ...process.env };
    const inDoubt = new Set<string>();
    let child = cli(['run', file, '--runs-dir', runsDir], env);
    let runId = '';
    let kills = 0;
    for (; kills < 5; kills++) {
      const threshold = deliveredLines(runsDir) + 200 + Math.floor(Math.random() * 1200);
      if (!(await until(() => deliveredLines(runsDir) >= threshold, child))) break;
      child.kill('SIGKILL');
      await exited(child);
      runId ||= readdirSync(runsDir)[0]!;
      assert.equal((await readSummary(join(runsDir, runId))).status, 'running', 'a killed run cannot close itself');
      child = cli(['resume', runId, '--runs-dir', runsDir], env);
      // The resume marks the run interrupted first; the in-flight window is read from the journal then.
      await until(() => existsSync(join(runsDir, runId)) && readFileSync(join(runsDir, runId, 'journal.ndjson'), 'utf8').includes('"t":"interrupted"'), child);
      for (const d of (await runDetails(runsDir, runId)).inDoubt) if (d.key) inDoubt.add(d.key);
    }
    const code = await exited(child);
    runId ||= readdirSync(runsDir)[0]!;
    assert.equal(code, 0);
    assert.ok(kills >= 3, `killed ${kills} times`);
    assert.equal((await readSummary(join(runsDir, runId))).status, 'succeeded');
    const keys = (await drainQueue(queue)).map((m) => String((m.value as { i: number }).i));
    const seen = new Map<string, number>();
    for (const k of keys) seen.set(k, (seen.get(k) ?? 0) + 1);
    assert.equal(seen.size, COUNT, 'every key arrived at least once');
    const duplicates = [...seen].filter(([, n]) => n > 1).map(([k]) => `key-${k}`);
    assert.deepEqual(duplicates.filter((k) => !inDoubt.has(k)), [], 'every duplicate is in a reported in-flight window');
    await deleteQueue(queue);
  });
});
