// The CLI's gates over a real RabbitMQ queue and HTTP service: access rules checked against a GitHub API that answers as GitHub does, run ids, journal permissions and the payloads a journal keeps.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJournal } from '../../support/run-folders';
import type { JournalRecord } from '../../../protocol/journal-records';
import { startFakeGithub, type FakeGithub } from '../../support/fake-github';
import { deleteQueue, drainQueue, fillQueue } from './broker-clients';
import { lastJson, runCli } from './cli-process';
import { RecordingHttpServer } from './recording-http-server';

type Parked = Extract<JournalRecord, { t: 'parked' }>;
type Delivered = Extract<JournalRecord, { t: 'delivered' }>;
interface Result { readonly result: { readonly runId: string; readonly status: string; readonly directory: string } }

describe('the CLI lets no one in', function () {
  this.timeout(60_000);
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  let github: FakeGithub;
  let dir: string;
  let runsDir: string;
  let server: RecordingHttpServer;
  let serviceUrl: string;
  let queue: string;
  let count = 0;
  const queues: string[] = [];
  /** The service answers 400 to `bad` orders (parked after one attempt) and 204 to the others. */
  const orders = [{ key: 'order-1', value: { id: 1 } }, { key: 'order-2', value: { id: 2, bad: true } }];

  before(async () => {
    github = await startFakeGithub({ tokens: { 'tok-bob': 'bob', 'tok-dave': 'dave' }, orgs: { acme: ['bob'] }, teams: {}, ids: { bob: 4242, dave: 77 } });
    server = new RecordingHttpServer((r) => ({ status: r.body.includes('"bad"') ? 400 : 204 }));
    serviceUrl = await server.start('/orders');
  });
  after(async () => {
    await github.close();
    await server.stop();
    for (const q of queues) await deleteQueue(q);
  });
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ft-cli-security-'));
    runsDir = join(dir, 'runs');
    github.requests.splice(0);
    github.failWith(undefined);
    queue = `ft-security-${tag}-${++count}`;
    queues.push(queue);
    await fillQueue(queue, orders);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A queue -> service flow; `extra` is top-level YAML (access:, journal:). */
  function flow(extra: string): string {
    const file = join(dir, `f${count}.flow.yaml`);
    writeFileSync(file, `flow: security-${count}
${extra}components:
  Intake:
    type: mq
    url: "\${env:FLOWTRACER_TEST_AMQP_URL}"
    queue: ${queue}
  Orders:
    type: service
    url: ${serviceUrl}
    retry: { strategy: fixed, delay: 10ms, maxAttempts: 1 }
connections:
  - from: Intake
    to: Orders
    select: { until: empty }
`);
    return file;
  }
  const ACME = 'access:\n  github: { orgs: [acme] }\n';
  /** The CLI with exactly these variables (no GH_TOKEN of the machine running the tests). */
  const env = (vars: Record<string, string>): NodeJS.ProcessEnv => {
    const { GH_TOKEN: _g, GITHUB_TOKEN: _t, USER: _u, ...rest } = process.env;
    return { ...rest, FLOWTRACER_GITHUB_API_URL: github.url, USER: 'tester', ...vars };
  };
  const cli = (args: string[], vars: Record<string, string> = {}) => runCli([...args, '--runs-dir', runsDir, '--json'], env(vars));
  const records = async (runId: string) => (await readJournal(join(runsDir, runId))).records;

  describe('access rules', () => {
    it('runs a flow with access: for a member of the org, recorded as the verified GitHub account', async () => {
      const out = await cli(['run', flow(ACME)], { GH_TOKEN: 'tok-bob' });
      assert.equal(out.code, 1, out.stderr);
      const { runId } = lastJson<Result>(out).result;
      const start = (await records(runId)).find((r) => r.t === 'run-start');
      assert.equal(start?.t === 'run-start' ? start.actor : undefined, 'github:bob/4242');
      assert.deepEqual(github.requests, ['/user', '/user/memberships/orgs/acme']);
    });

    it('refuses a non-member with exit 9 and a sentence, before anything is read', async () => {
      const out = await cli(['run', flow(ACME)], { GH_TOKEN: 'tok-dave' });
      assert.equal(out.code, 9, out.stderr);
      assert.match(out.stderr, /dave is signed in to GitHub, but this flow may be run only by a member of acme\./);
      assert.equal(existsSync(runsDir), false, 'no run was created');
      assert.equal((await drainQueue(queue)).length, 2, 'the queue was not read');
    });

    it('refuses a flow with access: when no token is set, without asking GitHub', async () => {
      const out = await cli(['run', flow(ACME)]);
      assert.equal(out.code, 9, out.stderr);
      assert.match(out.stderr, /this flow may be run only by a member of acme on GitHub, and no GitHub token is set: set GH_TOKEN \(or GITHUB_TOKEN\)/);
      assert.deepEqual(github.requests, []);
    });

    it('fails closed when the GitHub API answers 500, and says so', async () => {
      github.failWith(500);
      const out = await cli(['run', flow(ACME)], { GITHUB_TOKEN: 'tok-bob' });
      assert.equal(out.code, 9, out.stderr);
      assert.match(out.stderr, /refused, because GitHub could not confirm who may run this flow \(it may be run only by a member of acme\): GitHub answered 500 \(Server Error\) for \/user/);
      assert.equal(existsSync(runsDir), false);
    });

    it('records USER=github:alice without a token as a local actor', async () => {
      const out = await cli(['run', flow('')], { USER: 'github:alice/7' });
      assert.equal(out.code, 1, out.stderr);
      const start = (await records(lastJson<Result>(out).result.runId)).find((r) => r.t === 'run-start');
      assert.equal(start?.t === 'run-start' ? start.actor : undefined, 'local:github:alice/7');
      assert.deepEqual(github.requests, [], 'a flow without access: does not ask GitHub');
    });

    it('applies the access rule to browse, send, export-messages and redrive: a non-member reads and sends nothing', async () => {
      const file = flow(ACME);
      const messages = join(dir, 'more.ndjson');
      writeFileSync(messages, '{"key":"order-3","value":{"id":3}}\n');
      const out = join(dir, 'out.ndjson');
      for (const command of [['browse', file, 'Intake'], ['send', file, 'Intake', messages], ['export-messages', file, 'Intake', out], ['redrive', file, 'Intake', '--dry-run']]) {
        const refused = await runCli(command, env({ GH_TOKEN: 'tok-dave' }));
        assert.equal(refused.code, 9, `${command[0]!}: ${refused.stderr}`);
        assert.match(refused.stderr, /dave is signed in to GitHub, but this flow may be run only by a member of acme\./);
        assert.equal(refused.stdout, '', `${command[0]!} showed nothing`);
      }
      assert.equal(existsSync(out), false, 'nothing was exported');
      const browsed = await runCli(['browse', file, 'Intake', '--json'], env({ GH_TOKEN: 'tok-bob' }));
      assert.equal(browsed.code, 0, browsed.stderr);
      assert.equal(browsed.stdout.trim().split('\n').length, 2);
      assert.deepEqual((await drainQueue(queue)).map((m) => m.key), ['order-1', 'order-2'], 'nothing was sent or taken');
    });

    it('refuses retry and resume of a run of a flow with access: for a non-member', async () => {
      const file = flow(ACME);
      const { runId } = lastJson<Result>(await cli(['run', file], { GH_TOKEN: 'tok-bob' })).result;
      const before = (await records(runId)).length;
      for (const command of [['retry', runId], ['resume', runId], ['run', '--join', runId]]) {
        const out = await cli(command, { GH_TOKEN: 'tok-dave' });
        assert.equal(out.code, 9, `${command.join(' ')}: ${out.stderr}`);
        assert.match(out.stderr, /dave is signed in to GitHub, but this flow may be run only by a member of acme\./);
      }
      assert.equal((await records(runId)).length, before, 'the refused commands wrote nothing');
      const retried = await cli(['retry', runId], { GH_TOKEN: 'tok-bob' });
      assert.equal(retried.code, 1, retried.stderr);
      const start = (await records(runId)).find((r) => r.t === 'retry-start');
      assert.equal(start?.t === 'retry-start' ? start.actor : undefined, 'github:bob/4242');
    });
  });

  describe('the runs folder', () => {
    it('refuses a run id that is a path with exit 2', async () => {
      for (const command of [['show', '../../x'], ['retry', '../../x'], ['resume', '..']]) {
        const out = await cli(command);
        assert.equal(out.code, 2, `${command.join(' ')}: ${out.stderr}`);
        assert.match(out.stderr, /is not a run id \(a run id looks like 20261129-012233-ab12/);
      }
    });

    it('creates journal files 0600, run folders 0700, and a .gitignore of * in a new runs folder', async () => {
      const out = await cli(['run', flow('')]);
      assert.equal(out.code, 1, out.stderr);
      const { runId } = lastJson<Result>(out).result;
      assert.equal(readFileSync(join(runsDir, '.gitignore'), 'utf8'), '*\n');
      assert.equal(statSync(runsDir).mode & 0o777, 0o700);
      assert.equal(statSync(join(runsDir, runId)).mode & 0o777, 0o700);
      for (const name of readdirSync(join(runsDir, runId)).filter((n) => statSync(join(runsDir, runId, n)).isFile())) {
        assert.equal(statSync(join(runsDir, runId, name)).mode & 0o777, 0o600, name);
      }
      assert.deepEqual(lastJson<{ runs: { runId: string }[] }>(await cli(['runs'])).runs.map((r) => r.runId), [runId], 'the .gitignore is not a run');
    });

    it('journal: { payloads: none } parks without the payload, and retry says it cannot deliver that message', async () => {
      const out = await cli(['run', flow('journal: { payloads: none }\n')]);
      assert.equal(out.code, 1, out.stderr);
      const { runId } = lastJson<Result>(out).result;
      const parked = (await records(runId)).filter((r): r is Parked => r.t === 'parked');
      assert.deepEqual(parked.map((p) => [p.key, p.payload, p.headers]), [['order-2', undefined, undefined]]);
      const requests = server.requests.length;
      const retried = await cli(['retry', runId]);
      assert.equal(retried.code, 1, retried.stderr);
      assert.match(retried.stderr, /the parked message order-2 \(Intake -> Orders\) is not retried: the journal holds no payload for it \(the flow's journal\.payloads is none\)/);
      assert.equal(server.requests.length, requests, 'nothing was sent to the service');
    });

    it('journal: { payloads: all } keeps each delivered payload; the default keeps only the parked one', async () => {
      const all = lastJson<Result>(await cli(['run', flow('journal: { payloads: all }\n')])).result.runId;
      const delivered = (await records(all)).filter((r): r is Delivered => r.t === 'delivered');
      assert.deepEqual(delivered.map((d) => [d.key, JSON.parse(Buffer.from(d.payload!, 'base64').toString()) as unknown]), [['order-1', { id: 1 }]]);
      await fillQueue(queue, orders);
      const parkedOnly = lastJson<Result>(await cli(['run', flow('')])).result.runId;
      const kept = await records(parkedOnly);
      assert.deepEqual(kept.filter((r): r is Delivered => r.t === 'delivered').map((d) => d.payload), [undefined]);
      assert.deepEqual(kept.filter((r): r is Parked => r.t === 'parked').map((p) => JSON.parse(Buffer.from(p.payload!, 'base64').toString()) as unknown), [{ id: 2, bad: true }]);
    });
  });
});
