// Which hosts a flow touches once its values are resolved, and which count as local.
import { strict as assert } from 'node:assert';
import { parseFlow } from '../../../flow/parse';
import { DEFAULT_LOCAL_HOSTS, hostsOf, hostsOfFlow, isLocalHost, nonLocalHosts, type HostValueSources } from '../../../client/runs/local-hosts';

const flow = `flow: hosts
components:
  Topic: { type: kafka, brokers: ["\${env:KAFKA_BROKERS:-localhost:9092}", "kafka-2.prod:9092"], topic: t }
  Queue: { type: mq, url: "amqp://guest:\${secret:pw}@127.0.0.1:5672", queue: q }
  Db: { type: database, url: "postgres://db.internal:5432/x" }
  Svc: { type: service, url: "http://[::1]:8080/x" }
connections: []
`;

const sources = (env: Record<string, string>, secrets: Record<string, string> = {}): HostValueSources => ({
  env,
  secret: (name) => Promise.resolve(secrets[name]),
});

const oneComponent = (props: string) => parseFlow(`flow: one\ncomponents:\n  C: ${props}\nconnections: []\n`).model;

describe('local hosts', () => {
  it('reads the hosts of resolved URLs and broker addresses', () => {
    assert.deepEqual(hostsOf('localhost:9092'), ['localhost']);
    assert.deepEqual(hostsOf('a:9092, B:9092'), ['a', 'b']);
    assert.deepEqual(hostsOf('http://[::1]:8080/x'), ['::1']);
    // libpq's `?host=` wins over the authority: both are checked.
    assert.deepEqual(hostsOf('postgres://localhost/db?host=db.prod'), ['localhost', 'db.prod']);
  });

  it('lists every host of a flow in document order', async () => {
    assert.deepEqual((await hostsOfFlow(parseFlow(flow).model, sources({}, { pw: 'guest' }))).map((h) => h.host), ['localhost', 'kafka-2.prod', '127.0.0.1', 'db.internal', '::1']);
  });

  it('counts localhost, the loopback range and configured hosts as local', async () => {
    const model = parseFlow(flow).model;
    assert.deepEqual(await nonLocalHosts(model, DEFAULT_LOCAL_HOSTS, sources({}, { pw: 'guest' })), ['kafka-2.prod', 'db.internal']);
    assert.deepEqual(await nonLocalHosts(model, [...DEFAULT_LOCAL_HOSTS, 'DB.internal'], sources({}, { pw: 'guest' })), ['kafka-2.prod']);
    assert.equal(isLocalHost('127.0.0.53', []), true);
  });

  it('checks the env value, not the default: ${env:X:-localhost} with X=prod.example.com is not local', async () => {
    const model = oneComponent('{ type: service, url: "http://${env:X:-localhost}:8080/orders" }');
    assert.deepEqual(await nonLocalHosts(model, DEFAULT_LOCAL_HOSTS, sources({ X: 'prod.example.com' })), ['prod.example.com']);
    // The default applies when X is unset or empty, as the executor reads it.
    assert.deepEqual(await nonLocalHosts(model, DEFAULT_LOCAL_HOSTS, sources({})), []);
    assert.deepEqual(await nonLocalHosts(model, DEFAULT_LOCAL_HOSTS, sources({ X: '' })), []);
    const brokers = oneComponent('{ type: kafka, brokers: ["${env:B:-localhost:9092}"], topic: t }');
    assert.deepEqual(await nonLocalHosts(brokers, DEFAULT_LOCAL_HOSTS, sources({ B: 'kafka.prod:9092' })), ['kafka.prod']);
  });

  it('checks what an unset ${env:Y} stands for in the env the executor gets, and a host-less address as not local', async () => {
    const model = oneComponent('{ type: api, url: "${env:Y}" }');
    // Set in the run's env: its value is checked (the old check dropped any `${env:…}` without a default).
    assert.deepEqual(await nonLocalHosts(model, DEFAULT_LOCAL_HOSTS, sources({ Y: 'https://api.prod.example/v1' })), ['api.prod.example']);
    // Unset there too: the executor refuses the run with the missing value before it connects anywhere, so no dialog.
    assert.deepEqual(await hostsOfFlow(model, sources({})), []);
    // A PostgreSQL URL without a host goes to PGHOST, an unreadable address is listed as not local.
    assert.deepEqual(await nonLocalHosts(oneComponent('{ type: database, url: "postgres:///orders" }'), DEFAULT_LOCAL_HOSTS, sources({ PGHOST: 'pg.prod' })), ['pg.prod']);
    assert.deepEqual(await nonLocalHosts(oneComponent('{ type: database, url: "postgres:///orders" }'), DEFAULT_LOCAL_HOSTS, sources({})), []);
    assert.deepEqual(await nonLocalHosts(oneComponent('{ type: service, url: "${env:U}" }'), DEFAULT_LOCAL_HOSTS, sources({ U: 'http://' })), ['an unreadable address (component C)']);
  });

  it('checks a host that comes from a secret but never shows the secret', async () => {
    const model = oneComponent('{ type: database, url: "${secret:db-url}" }');
    const secret = { 'db-url': 'postgres://app:hunter2@db.hidden-prod.example:5432/orders' };
    const hosts = await nonLocalHosts(model, DEFAULT_LOCAL_HOSTS, sources({}, secret));
    assert.equal(hosts.length, 1);
    assert.ok(!hosts[0]!.includes('hidden-prod') && !hosts[0]!.includes('hunter2'), hosts[0]);
    assert.match(hosts[0]!, /\$\{secret:db-url\}/);
    // Checked on its value: the same host configured as local needs no confirmation, and a local secret URL neither.
    assert.deepEqual(await nonLocalHosts(model, [...DEFAULT_LOCAL_HOSTS, 'db.hidden-prod.example'], sources({}, secret)), []);
    assert.deepEqual(await nonLocalHosts(model, DEFAULT_LOCAL_HOSTS, sources({}, { 'db-url': 'postgres://app:x@localhost/orders' })), []);
    // A secret in the credentials only leaves the host readable.
    const password = oneComponent('{ type: mq, url: "amqp://app:${secret:pw}@mq.prod:5672", queue: q }');
    assert.deepEqual(await nonLocalHosts(password, DEFAULT_LOCAL_HOSTS, sources({}, { pw: 'p@ss' })), ['mq.prod']);
  });
});
