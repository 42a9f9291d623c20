import * as assert from 'node:assert/strict';
import { dataOf, diagnose } from './diagnose';

const K = '  K: { type: kafka, brokers: [localhost:9092], topic: orders }\n';
const Q = '  Q: { type: mq, url: amqp://localhost, queue: orders }\n';
const H = 'flow: demo\ncomponents:\n';
const C = 'connections:\n  - { from: K, to: Q }\n';

describe('checkFlow: checks beyond the schema', () => {
  it('names a duplicate component and keeps the first', () => {
    const text = `${H}${K}${Q}  K: { type: mq, url: amqp://x, queue: q }\n${C}`;
    assert.deepEqual(diagnose(text), [
      ['duplicate-component', '4:2-4:3', 'duplicate component `K`: the first definition (line 3) is used; rename or remove this one'],
    ]);
  });

  it('reports an unknown component in `to` with a did-you-mean', () => {
    const text = `${H}${K}${Q}connections:\n  - { from: K, to: QQ }\n`;
    assert.deepEqual(diagnose(text), [
      ['unconnected-component', '3:2-3:3', 'component `Q` is not connected to anything'],
      ['unknown-component', '5:19-5:21', 'unknown component `QQ` in `to`; did you mean `Q`?'],
    ]);
    assert.deepEqual(dataOf(text, 'unknown-component'), [{ name: 'QQ', suggestion: 'Q' }]);
  });

  it('reports a written kind that contradicts the two types, with the inferred kind', () => {
    const text = `${H}${K}${Q}connections:\n  - { from: K, to: Q, kind: mq-to-mq }\n`;
    assert.deepEqual(diagnose(text), [
      ['kind-mismatch', '5:28-5:36', 'kind `mq-to-mq` contradicts the components: kafka `K` to mq `Q` is `kafka-to-mq`'],
    ]);
    assert.deepEqual(dataOf(text, 'kind-mismatch'), [{ inferredKind: 'kafka-to-mq', writtenKind: 'mq-to-mq' }]);
  });

  it('reports a cycle on each of its connections, naming its members', () => {
    assert.deepEqual(diagnose(`${H}${K}${Q}connections:\n  - { from: K, to: Q }\n  - { from: Q, to: K }\n`), [
      ['cycle', '5:19-5:20', 'this connection closes a cycle through `K`, `Q`; a run needs connections without cycles'],
      ['cycle', '6:19-6:20', 'this connection closes a cycle through `K`, `Q`; a run needs connections without cycles'],
    ]);
  });

  it('reports a self-connection (and not as a cycle)', () => {
    assert.deepEqual(diagnose(`${H}${K}${Q}connections:\n  - { from: K, to: Q }\n  - { from: Q, to: Q }\n`), [
      ['self-connection', '6:19-6:20', '`Q` is connected to itself; a connection needs two different components'],
    ]);
  });

  it('warns about a component nothing connects', () => {
    const text = `${H}${K}${Q}  S: { type: service, url: http://localhost:8080 }\n${C}`;
    assert.deepEqual(diagnose(text), [['unconnected-component', '4:2-4:3', 'component `S` is not connected to anything']]);
    assert.equal(dataOf(text, 'unconnected-component').length, 1);
  });

  it('reports `maxDelay` below `delay` on `maxDelay`', () => {
    assert.deepEqual(diagnose(`${H}${K}${Q}defaults:\n  retry: { delay: 10s, maxDelay: 5s }\n${C}`), [
      ['max-delay-below-delay', '5:33-5:35', '`maxDelay` (5s) is below `delay` (10s); no wait could ever be that short'],
    ]);
  });

  it('reports each malformed env/secret reference at its exact place', () => {
    const text = `${H}  K: { type: kafka, brokers: ["\${env:9X}"], topic: "\${secret:a:-b}" }\n  Q:\n    type: mq\n    url: amqp://\${env:HOST\n    queue: "\${vault:x}"\n${C}`;
    assert.deepEqual(diagnose(text), [
      ['bad-reference', '2:31-2:40', '`${env:9X}` is not a valid reference: an environment variable name is letters, digits and `_`, not starting with a digit (`${env:NAME}` or `${env:NAME:-default}`)'],
      ['bad-reference', '2:52-2:66', '`${secret:a:-b}` is not a valid reference: a secret has no default (`${secret:NAME}`)'],
      ['bad-reference', '5:16-5:26', 'unclosed reference `${env:HOST`: add the closing `}`'],
      ['bad-reference', '6:12-6:22', '`${vault:x}` is not a valid reference: write `${env:NAME}`, `${env:NAME:-default}` or `${secret:NAME}`'],
    ]);
  });

  it('reports a `schema:` file that does not exist next to the flow file', () => {
    const text = `${H}${K}${Q}connections:\n  - { from: K, to: Q, schema: schemas/order.json }\n  - { from: K, to: Q, schema: ./schemas/ok.json }\n`;
    const fs = { exists: (path: string) => path === '/flows/schemas/ok.json' };
    assert.deepEqual(diagnose(text, { path: '/flows/x.flow.yaml', fs }), [
      ['schema-file-missing', '5:30-5:48', 'schema file `schemas/order.json` does not exist (looked for /flows/schemas/order.json)'],
    ]);
  });

  it('in an untrusted workspace looks at no absolute, UNC or escaping `schema:` path and says so at the value; relative ones are read', () => {
    const schemas = ['schemas/order.json', '/etc/order.json', '\\\\host\\share\\o.json', '//host/share/o.json', '../../o.json', 'C:o.json', './schemas/ok.json'];
    const text = `${H}${K}${Q}connections:\n${schemas.map((s) => `  - { from: K, to: Q, schema: "${s.replace(/\\/g, '\\\\')}" }\n`).join('')}`;
    const asked: string[] = [];
    const fs = { exists: (path: string) => (asked.push(path), path === '/w/flows/schemas/ok.json'), untrustedRoots: ['/w'] };
    const found = diagnose(text, { path: '/w/flows/x.flow.yaml', fs });
    assert.deepEqual(asked, ['/w/flows/schemas/order.json', '/w/flows/schemas/ok.json'], 'only the relative paths inside the workspace are looked at');
    // Each at the `schema` value, quotes included (as schema-file-missing is).
    assert.deepEqual(found.map(([code, range]) => [code, range]), [
      ['schema-file-missing', '5:30-5:50'],
      ['schema-path-untrusted', '6:30-6:47'],
      ['schema-path-untrusted', '7:30-7:55'],
      ['schema-path-untrusted', '8:30-8:51'],
      ['schema-path-untrusted', '9:30-9:44'],
      ['schema-path-untrusted', '10:30-10:40'],
    ]);
    assert.match(found[1]![2], /^schema file `\/etc\/order.json` was not read: in an untrusted workspace only schema paths relative to the flow, inside the workspace, are read/);
    assert.match(found[4]![2], /^schema file `..\/..\/o.json` was not read: .*leads outside it/);
    // Trusted (no untrustedRoots): every path is looked at, as before.
    asked.length = 0;
    diagnose(text, { path: '/w/flows/x.flow.yaml', fs: { exists: fs.exists } });
    assert.equal(asked.length, schemas.length);
  });

  it('reports a database write without table, a keyed operation without key and a bad columns JSONPath', () => {
    const text = `${H}${K}  D: { type: database, url: postgres://localhost/db }\nconnections:\n  - { from: K, to: D }\n  - { from: K, to: D, table: t, operation: update }\n  - { from: K, to: D, table: t, columns: { id: $.id, bad: "$.a[" } }\n`;
    assert.deepEqual(diagnose(text), [
      ['db-missing-table', '5:19-5:20', 'writing to database `D` needs a `table`: write it on this connection or on the database'],
      ['db-missing-key', '6:43-6:49', '`update` needs a `key`: the column(s) that identify the row'],
      ['bad-jsonpath', '7:58-7:64', '`$.a[` is not a JSONPath (Expected "\'", "*", "-", "0", ":", "?", "\\"", [1-9], or [\\t-\\n\\r ] but end of input found.)'],
    ]);
  });

  it('reports `select` fields that do not apply to the source type', () => {
    assert.deepEqual(diagnose(`${H}${K}${Q}connections:\n  - { from: Q, to: K, select: { partitions: [0], until: end } }\n`), [
      ['select-field-not-applicable', '5:32-5:42', '`select.partitions` does not apply to a mq source; it takes `until`, `limit`, `deadLetters`'],
      ['invalid-value', '5:56-5:59', '`until` of an mq source can only be `empty`'],
    ]);
  });

  it('warns about database write fields on a connection to something else', () => {
    assert.deepEqual(diagnose(`${H}${K}${Q}connections:\n  - { from: K, to: Q, table: t }\n`), [
      ['db-field-not-applicable', '5:22-5:27', '`table` applies only to connections that write to a database; `Q` is mq'],
    ]);
  });
});

describe('checkFlow: the remaining checks of issue #3, each at its exact range', () => {
  it('reports an unknown component in `from` with a did-you-mean', () => {
    assert.deepEqual(diagnose(`${H}${K}${Q}connections:\n  - { from: L, to: Q }\n`), [
      ['unconnected-component', '2:2-2:3', 'component `K` is not connected to anything'],
      ['unknown-component', '5:12-5:13', 'unknown component `L` in `from`; did you mean `K`?'],
    ]);
  });

  it('reports a kafka `key` and an api `items` that are not JSONPaths on their values', () => {
    const text = `${H}  K: { type: kafka, brokers: [localhost:9092], topic: orders, key: orderId }\n  A: { type: api, url: http://x, items: "$.events[" }\nconnections:\n  - { from: A, to: K }\n`;
    assert.deepEqual(diagnose(text), [
      ['bad-jsonpath', '2:67-2:74', '`orderId` is not a JSONPath (Expected "$" but "o" found.)'],
      ['bad-jsonpath', '3:40-3:51', '`$.events[` is not a JSONPath (Expected "\'", "*", "-", "0", ":", "?", "\\"", [1-9], or [\\t-\\n\\r ] but end of input found.)'],
    ]);
  });

  it('reports `upsert` and `delete` without `key` on the operation', () => {
    const D = '  D: { type: database, url: postgres://localhost/db, table: t }\n';
    assert.deepEqual(diagnose(`${H}${K}${D}connections:\n  - { from: K, to: D, operation: upsert }\n  - { from: K, to: D, operation: delete }\n`), [
      ['db-missing-key', '5:33-5:39', '`upsert` needs a `key`: the column(s) that identify the row'],
      ['db-missing-key', '6:33-6:39', '`delete` needs a `key`: the column(s) that identify the row'],
    ]);
  });

  it('reports a key column that `columns` does not write, on the key (or its list entry)', () => {
    const D = '  D: { type: database, url: postgres://localhost/db, table: t }\n';
    const text = `${H}${K}${D}connections:\n  - { from: K, to: D, operation: upsert, key: order_id }\n  - { from: K, to: D, operation: delete, key: [id, tenant], columns: { id: $.id } }\n  - { from: K, to: D, operation: upsert, key: id, columns: { id: $.id } }\n`;
    assert.deepEqual(diagnose(text), [
      ['db-key-not-in-columns', '5:46-5:54', 'key column `order_id` is not written: without `columns` only `body` (the whole payload) is written; add it to `columns` with the JSONPath of its value'],
      ['db-key-not-in-columns', '6:51-6:57', 'key column `tenant` is not written: `columns` writes `id`; add it to `columns` with the JSONPath of its value'],
    ]);
    assert.deepEqual(dataOf(text, 'db-key-not-in-columns'), [{ column: 'order_id' }, { column: 'tenant' }]);
  });

  it('reports an access user listed twice on the second entry', () => {
    assert.deepEqual(diagnose(`${H}${K}${Q}${C}access:\n  github: { users: [alice, bob, alice] }\n`), [
      ['invalid-value', '7:32-7:37', '`users` lists `alice` twice (entries 1 and 3)'],
    ]);
  });
});
