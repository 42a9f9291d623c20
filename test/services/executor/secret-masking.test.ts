// Secrets in a real run through the CLI (RabbitMQ, PostgreSQL, an HTTP service): no log line, event, journal record, summary, export or error holds one, and a 1 MB key runs through redaction intact.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MASK } from '../../../flow/secret-mask';
import { deleteQueue, fillQueue } from './broker-clients';
import { lastJson, runCli, type CliOutcome } from './cli-process';
import { RecordingHttpServer } from './recording-http-server';
import { useScratchTables } from './scratch-tables';

interface Result { readonly result: { readonly runId: string; readonly status: string } }

/** The run's secrets: a password with an `@` (in a URL), a token, a 1-character value, an env value in a credential key, and one in a `secret: true` component. */
const SECRETS = { FLOWTRACER_SECRET_PG_PASSWORD: 'p@ss', FLOWTRACER_SECRET_API_TOKEN: 'hunter2', FLOWTRACER_SECRET_TENANT: 'q' };
const ENV_API_KEY = 'env-key-7731';
/** An env value in a component marked `secret: true`: under no credential key, a secret only by that mark. */
const ENV_ROUTE = 'route-5519';

/** Every file under `dir`, as text. */
function filesUnder(dir: string): { path: string; text: string }[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [{ path, text: readFileSync(path, 'utf8') }];
  });
}

/** No long secret anywhere; the 1-character one never as a whole JSON value (it is masked only where it stands whole). */
function assertNoSecret(where: string, text: string): void {
  for (const secret of ['p@ss', 'hunter2', ENV_API_KEY, ENV_ROUTE]) assert.ok(!text.includes(secret), `${where} holds ${secret}`);
  assert.ok(!text.includes('ss@127.0.0.1'), `${where} holds the end of p@ss`);
  assert.ok(!/"q"/.test(text), `${where} holds the 1-character secret as a value`);
}

describe('secrets in a real run', function () {
  this.timeout(90_000);
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const tables = useScratchTables(`secrets_${tag}`);
  let dir: string;
  let server: RecordingHttpServer;
  let serviceUrl: string;
  const queues = [`ft-secrets-${tag}-orders`, `ft-secrets-${tag}-audit`];

  before(async () => {
    // `bad` orders are refused (parked after one attempt), the others accepted.
    server = new RecordingHttpServer((r) => ({ status: r.body.includes('"bad"') ? 400 : 204 }));
    serviceUrl = await server.start('/orders');
  });
  after(async () => {
    await server.stop();
    for (const q of queues) await deleteQueue(q);
  });
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ft-secrets-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const env = (): NodeJS.ProcessEnv => ({ ...process.env, ...SECRETS, FT_TEST_API_KEY: ENV_API_KEY, FT_TEST_ROUTE: ENV_ROUTE });
  const pgUrl = (port: number) => `postgres://postgres:\${secret:pg-password}@127.0.0.1:${port}/test`;

  function flow(table: string, pgPort = 5432): string {
    const file = join(dir, 'secrets.flow.yaml');
    writeFileSync(file, `flow: secrets-${tag}
components:
  Orders:
    type: mq
    url: "\${env:FLOWTRACER_TEST_AMQP_URL}"
    queue: ${queues[0]}
  AuditQueue:
    type: mq
    url: "\${env:FLOWTRACER_TEST_AMQP_URL}"
    queue: ${queues[1]}
  Shop:
    type: service
    secret: true
    url: ${serviceUrl}?route=\${env:FT_TEST_ROUTE}
    headers: { Authorization: "Bearer \${secret:api-token}", x-tenant: "\${secret:tenant}", x-api-key: "\${env:FT_TEST_API_KEY}" }
    retry: { strategy: fixed, delay: 10ms, maxAttempts: 1 }
  Audit:
    type: database
    url: "${pgUrl(pgPort)}"
connections:
  - from: Orders
    to: Shop
    select: { until: empty }
  - from: AuditQueue
    to: Audit
    table: ${table}
    select: { until: empty }
`);
    return file;
  }

  it('a run with a parked message: the service gets the secrets, nothing written or printed holds them', async () => {
    const table = await tables.create('audit', 'id serial primary key, body jsonb');
    await fillQueue(queues[0]!, [{ key: 'order-q1', value: { id: 1 } }, { key: 'order-2', value: { id: 2, bad: true } }]);
    await fillQueue(queues[1]!, [{ key: 'audit-1', value: { who: 'queue-q' } }]);
    const runsDir = join(dir, 'runs');
    const file = flow(table);
    const outputs: [string, CliOutcome][] = [];
    const run = await runCli(['run', file, '--runs-dir', runsDir, '--json'], env());
    outputs.push(['run', run]);
    assert.equal(run.code, 1, run.stderr);
    const { runId } = lastJson<Result>(run).result;
    // The secrets reached the far side (so they were resolved, and a leak had something to leak).
    assert.deepEqual(server.requests.map((r) => [r.headers.authorization, r.headers['x-tenant'], r.headers['x-api-key'], r.path]), [['Bearer hunter2', 'q', ENV_API_KEY, `/orders?route=${ENV_ROUTE}`], ['Bearer hunter2', 'q', ENV_API_KEY, `/orders?route=${ENV_ROUTE}`]]);
    assert.equal((await tables.db.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n, 1);
    for (const command of [['show', runId], ['trace', 'order-2', '--run', runId], ['runs'], ['retry', runId]]) outputs.push([command.join(' '), await runCli([...command, '--runs-dir', runsDir, '--json'], env())]);
    outputs.push(['export', await runCli(['export', file, '--format', 'json'], env())]);
    outputs.push(['validate', await runCli(['validate', file], env())]);
    for (const [command, out] of outputs) {
      assertNoSecret(`${command}: stdout`, out.stdout);
      assertNoSecret(`${command}: stderr`, out.stderr);
    }
    for (const { path, text } of filesUnder(runsDir)) assertNoSecret(path, text);
    // A short secret does not turn the journal into masks: a key with a q in it is journaled as it is.
    const journal = readFileSync(join(runsDir, runId, 'journal.ndjson'), 'utf8');
    assert.ok(journal.includes('"key":"order-q1"'), 'the delivered key keeps its q');
    assert.ok(!journal.split(`route=${MASK}`).join('').includes(MASK), 'no short secret stood whole in the journal, so nothing but the marked route is masked');
    // The export keeps the credential's reference, and resolves the rest.
    const exported = JSON.parse(outputs.find(([c]) => c === 'export')![1].stdout) as { components: Record<string, { headers?: Record<string, string>; url: string }> };
    assert.deepEqual(exported.components.Shop!.headers, { Authorization: 'Bearer ${secret:api-token}', 'x-tenant': '${secret:tenant}', 'x-api-key': '${env:FT_TEST_API_KEY}' });
    // The `secret: true` component's env values stay references too; another component's are resolved.
    assert.equal(exported.components.Shop!.url, `${serviceUrl}?route=\${env:FT_TEST_ROUTE}`);
    assert.equal(exported.components.Orders!.url, process.env.FLOWTRACER_TEST_AMQP_URL);
    // The parked message's error names the service's URL with the route masked.
    const parked = filesUnder(runsDir).map((f) => f.text).join('\n');
    assert.ok(parked.includes(`route=${MASK}`), 'the service URL is in the run, its secret part masked');
  });

  it('an unreachable database: the error names its URL with the whole of p@ss masked', async () => {
    await fillQueue(queues[0]!, [{ key: 'order-1', value: { id: 1 } }]);
    const out = await runCli(['run', flow('ft_unused', 1), '--runs-dir', join(dir, 'runs'), '--json'], env());
    assert.equal(out.code, 4, out.stderr);
    assert.ok(out.stderr.includes(`PostgreSQL at postgres://postgres:${MASK}@127.0.0.1:1/test is unreachable`), out.stderr);
    assertNoSecret('stderr', out.stderr);
    assertNoSecret('stdout', out.stdout);
  });

  it('a 1 MB key of letters before an @ runs through redaction and arrives intact', async () => {
    const key = `${'a'.repeat(1024 * 1024)}@k`;
    // One server is both ends: the api answers the item (its id is the key), the service takes it.
    const ends = new RecordingHttpServer((r) => (r.method === 'GET' ? { status: 200, body: JSON.stringify([{ id: key, n: 1 }]) } : { status: 204 }));
    const base = await ends.start('/');
    try {
      const file = join(dir, 'big.flow.yaml');
      writeFileSync(file, `flow: big-${tag}
components:
  Feed: { type: api, url: "${base}feed", key: $.id }
  Sink: { type: service, url: "${base}sink", headers: { Authorization: "Bearer \${secret:api-token}" } }
connections:
  - from: Feed
    to: Sink
`);
      const runsDir = join(dir, 'runs');
      const out = await runCli(['run', file, '--runs-dir', runsDir, '--json'], env());
      assert.equal(out.code, 0, out.stderr.slice(0, 2000));
      const { runId } = lastJson<Result>(out).result;
      assert.equal(ends.requests.filter((r) => r.method === 'POST').length, 1);
      const journal = readFileSync(join(runsDir, runId, 'journal.ndjson'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { t: string; key?: string });
      assert.equal(journal.find((r) => r.t === 'delivered')?.key, key, 'the key is journaled as read');
    } finally {
      await ends.stop();
    }
  });
});
