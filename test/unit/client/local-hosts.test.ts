// Which hosts a flow touches and which count as local.
import { strict as assert } from 'node:assert';
import { parseFlow } from '../../../flow/parse';
import { DEFAULT_LOCAL_HOSTS, hostOf, hostsOfFlow, isLocalHost, nonLocalHosts } from '../../../client/runs/local-hosts';

const flow = `flow: hosts
components:
  Topic: { type: kafka, brokers: ["\${env:KAFKA_BROKERS:-localhost:9092}", "kafka-2.prod:9092"], topic: t }
  Queue: { type: mq, url: "amqp://guest:\${secret:pw}@127.0.0.1:5672", queue: q }
  Db: { type: database, url: "postgres://db.internal:5432/x" }
  Svc: { type: service, url: "http://[::1]:8080/x" }
  Other: { type: api, url: "\${env:API_URL}" }
connections: []
`;

describe('local hosts', () => {
  it('reads the host of URLs, broker addresses and env defaults, and skips unresolved values', () => {
    assert.equal(hostOf('localhost:9092'), 'localhost');
    assert.equal(hostOf('${env:X:-broker:9092}'), 'broker');
    assert.equal(hostOf('${env:X}'), undefined);
    assert.equal(hostOf('http://[::1]:8080/x'), '::1');
  });

  it('lists every host of a flow in document order', () => {
    assert.deepEqual(hostsOfFlow(parseFlow(flow).model), ['localhost', 'kafka-2.prod', '127.0.0.1', 'db.internal', '::1']);
  });

  it('counts localhost, the loopback range and configured hosts as local', () => {
    assert.deepEqual(nonLocalHosts(parseFlow(flow).model, DEFAULT_LOCAL_HOSTS), ['kafka-2.prod', 'db.internal']);
    assert.deepEqual(nonLocalHosts(parseFlow(flow).model, [...DEFAULT_LOCAL_HOSTS, 'DB.internal']), ['kafka-2.prod']);
    assert.equal(isLocalHost('127.0.0.53', []), true);
  });
});
