import * as assert from 'node:assert/strict';
import type { CompletionItem } from 'vscode-languageserver-types';
import { documentAt, EXAMPLE, service } from './service-fixture';

// Every mapping position of schemas/flow.schema.json: the keys offered there (required first, then
// the others; snippets last) and the values offered after each enum-like key.

function complete(text: string): CompletionItem[] {
  const { document, position } = documentAt(text);
  return service.doComplete(document, position).items;
}

/** Labels in the order an editor shows them (by sortText), required keys marked with `*`. */
const shown = (text: string): string[] =>
  [...complete(text)]
    .sort((a, b) => (a.sortText ?? `1_${a.label}`).localeCompare(b.sortText ?? `1_${b.label}`))
    .map((item) => `${item.label}${item.detail === 'required' ? '*' : ''}`);
const values = (text: string): string[] => complete(text).map((item) => item.label);
const insertOf = (text: string, label: string): string | undefined => {
  const edit = complete(text).find((item) => item.label === label)?.textEdit;
  return edit && 'newText' in edit ? edit.newText : undefined;
};

const RETRY_SNIPPETS = ['retry block (custom)', 'retry block (exponential)', 'retry block (fixed)'];
const COMMON = ['description', 'retry', 'secret', 'validation'];
const component = (type: string, lines = '') => `flow: demo\ncomponents:\n  C:\n    type: ${type}\n${lines}    |\n`;
const connection = (from: string, to: string, rest = '    |\n') => `${EXAMPLE}  - from: ${from}\n    to: ${to}\n${rest}`;
const EXTRA = EXAMPLE.replace('connections:\n', '  StatusAPI:\n    type: api\n    url: https://status.example.com\nconnections:\n');

describe('completion at every position of the schema', () => {
  describe('the flow and its defaults', () => {
    it('offers the root keys not yet written, `components` first as required', () => {
      assert.deepEqual(shown('flow: demo\n|'), ['components*', 'access', 'connections', 'defaults', 'description', 'journal', 'title']);
    });

    it('offers `retry` and `validation` under defaults, with a retry snippet per strategy', () => {
      assert.deepEqual(shown('flow: demo\ndefaults:\n  |\n'), ['retry', 'validation', ...RETRY_SNIPPETS]);
      assert.deepEqual(shown('flow: demo\ndefaults:\n  validation: warn\n  |\n'), ['retry', ...RETRY_SNIPPETS]);
      assert.deepEqual(values('flow: demo\ndefaults:\n  validation: |\n'), ['off', 'warn', 'strict', 'dry-run']);
    });
  });

  describe('retry: only the fields of the written strategy', () => {
    it('offers the exponential fields (and `strategy`) when no strategy is written: it is the default', () => {
      assert.deepEqual(shown('defaults:\n  retry:\n    |\n'), ['abortOn', 'delay', 'factor', 'jitter', 'maxAttempts', 'maxDelay', 'maxDuration', 'retryOn', 'strategy']);
    });

    it('offers no `delays` for exponential', () => {
      assert.deepEqual(shown('defaults:\n  retry:\n    strategy: exponential\n    |\n'), ['abortOn', 'delay', 'factor', 'jitter', 'maxAttempts', 'maxDelay', 'maxDuration', 'retryOn']);
    });

    it('offers no `factor`, `maxDelay` or `delays` for fixed, in a block or a flow mapping', () => {
      const fixed = ['abortOn', 'delay', 'jitter', 'maxAttempts', 'maxDuration', 'retryOn'];
      assert.deepEqual(shown('components:\n  Q:\n    type: mq\n    retry:\n      strategy: fixed\n      |\n'), fixed);
      assert.deepEqual(shown('defaults:\n  retry: { strategy: fixed, | }\n'), fixed);
    });

    it('offers `delays` first (required) and no `delay` for custom', () => {
      assert.deepEqual(shown('defaults:\n  retry: { strategy: custom, | }\n'), ['delays*', 'abortOn', 'jitter', 'maxAttempts', 'maxDuration', 'retryOn']);
    });

    it('offers a component\'s keys, not retry fields, in a component named `retry`', () => {
      assert.deepEqual(shown('components:\n  retry:\n    type: database\n    |\n'), ['url*', ...COMMON, 'schema', 'table', ...RETRY_SNIPPETS].sort(byRequired));
    });

    it('offers the enum values of strategy, jitter and the error classes', () => {
      assert.deepEqual(values('defaults:\n  retry:\n    strategy: |\n'), ['fixed', 'exponential', 'custom']);
      assert.deepEqual(values('defaults:\n  retry: { jitter: | }\n'), ['none', 'full', 'equal']);
      assert.deepEqual(values('defaults:\n  retry: { abortOn: [|] }\n'), ['timeout', 'connection', '4xx', '5xx', '429', 'validation', 'unroutable']);
    });

    it('writes a retry snippet with exactly its strategy\'s fields and the schema defaults', () => {
      const text = component('mq', '    url: amqp://x\n    queue: q\n');
      assert.equal(insertOf(text, 'retry block (exponential)'), 'retry:\n      strategy: exponential\n      delay: ${1:500ms}\n      factor: ${2:2}\n      maxDelay: ${3:30s}\n      maxAttempts: ${4:5}');
      assert.equal(insertOf(text, 'retry block (fixed)'), 'retry:\n      strategy: fixed\n      delay: ${1:500ms}\n      maxAttempts: ${2:5}');
      assert.equal(insertOf(text, 'retry block (custom)'), 'retry:\n      strategy: custom\n      delays: [${1:1s}, ${2:5s}, ${3:30s}]');
    });
  });

  describe('components of each type', () => {
    it('offers a database component\'s keys', () => {
      assert.deepEqual(shown(component('database')), ['url*', ...COMMON, 'schema', 'table', ...RETRY_SNIPPETS].sort(byRequired));
    });

    it('offers a service component\'s keys and its methods', () => {
      assert.deepEqual(shown(component('service')), ['url*', ...COMMON, 'headers', 'maxResponseBytes', 'method', 'timeout', ...RETRY_SNIPPETS].sort(byRequired));
      assert.deepEqual(values('components:\n  S: { type: service, method: | }\n'), ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
    });

    it('offers an api component\'s keys', () => {
      assert.deepEqual(shown(component('api')), ['url*', ...COMMON, 'headers', 'items', 'key', 'maxResponseBytes', 'method', 'timeout', ...RETRY_SNIPPETS].sort(byRequired));
    });

    it('offers an mq component\'s keys and `true`/`false` for `durable`', () => {
      assert.deepEqual(shown(component('mq')), ['queue*', 'url*', ...COMMON, 'durable', 'exchange', 'prefetch', 'routingKey', ...RETRY_SNIPPETS].sort(byRequired));
      assert.deepEqual(values(component('mq', '    durable: |\n').replace('    |\n', '')), ['true', 'false']);
    });

    it('offers `true`/`false` for kafka `ssl`, the sasl keys (all required) and the sasl mechanisms', () => {
      assert.deepEqual(values('components:\n  K:\n    type: kafka\n    ssl: |\n'), ['true', 'false']);
      assert.deepEqual(shown('components:\n  K:\n    type: kafka\n    sasl:\n      |\n'), ['mechanism*', 'password*', 'username*']);
      assert.deepEqual(shown('components:\n  K:\n    type: kafka\n    sasl: { mechanism: plain, | }\n'), ['password*', 'username*']);
      assert.deepEqual(values('components:\n  K:\n    type: kafka\n    sasl: { mechanism: | }\n'), ['plain', 'scram-sha-256', 'scram-sha-512']);
    });

    it('offers the validation modes on a component', () => {
      assert.deepEqual(values('components:\n  K: { type: kafka, validation: | }\n'), ['off', 'warn', 'strict', 'dry-run']);
    });

    it('offers nothing inside `headers` (any header name is allowed), in a block or a flow mapping', () => {
      assert.deepEqual(shown('components:\n  S:\n    type: service\n    url: http://x\n    headers:\n      |\n'), []);
      assert.deepEqual(shown('components:\n  S:\n    type: service\n    url: http://x\n    headers: { Accept: application/json, | }\n'), []);
    });
  });

  describe('connections: keys that apply to the two ends', () => {
    it('offers database write fields only when the target is a database', () => {
      // A service is never read with a `select`: not offered either.
      assert.deepEqual(shown(connection('OrderService', 'OrderDB')), ['columns', 'description', 'key', 'kind', 'maxInFlight', 'operation', 'schema', 'table']);
      assert.deepEqual(shown(connection('OrderTopic', 'OrderQueue')), ['description', 'kind', 'maxInFlight', 'schema', 'select']);
      assert.deepEqual(values(connection('OrderService', 'OrderDB', '    operation: |\n')), ['insert', 'upsert', 'update', 'delete']);
    });

    it('offers `keyColumn` only from a database, and no `select` from a service', () => {
      assert.deepEqual(shown(connection('OrderDB', 'OrderTopic')), ['description', 'keyColumn', 'kind', 'maxInFlight', 'schema', 'select']);
      assert.deepEqual(shown(connection('OrderService', 'OrderTopic')), ['description', 'kind', 'maxInFlight', 'schema']);
    });

    it('offers every connection key while the ends are not known yet', () => {
      assert.deepEqual(shown(connection('Nowhere', 'Unknown')), ['columns', 'description', 'forwardHeaders', 'key', 'keyColumn', 'kind', 'maxInFlight', 'maxResponseBytes', 'operation', 'schema', 'select', 'table']);
    });

    it('offers forwardHeaders only to a service, maxResponseBytes to a service or from an api', () => {
      assert.deepEqual(shown(connection('OrderQueue', 'OrderService')), ['description', 'forwardHeaders', 'kind', 'maxInFlight', 'maxResponseBytes', 'schema', 'select']);
      assert.deepEqual(shown(`${EXTRA}  - from: StatusAPI\n    to: OrderTopic\n    |\n`).filter((k) => k.startsWith('max') || k === 'forwardHeaders'), ['maxInFlight', 'maxResponseBytes']);
    });
  });

  describe('select: the fields of the source\'s type and their positions', () => {
    const select = (from: string, to: string, rest = '      |\n') => connection(from, to, `    select:\n${rest}`);

    it('offers from, until, partitions, limit and deadLetters from kafka', () => {
      assert.deepEqual(shown(select('OrderTopic', 'OrderQueue')), ['deadLetters', 'from', 'limit', 'partitions', 'until']);
    });

    it('offers until, limit and deadLetters from mq, `query` first (required) from a database, limit from an api', () => {
      assert.deepEqual(shown(select('OrderQueue', 'OrderService')), ['deadLetters', 'limit', 'until']);
      assert.deepEqual(shown(select('OrderDB', 'OrderTopic')), ['query*', 'limit', 'params']);
      assert.deepEqual(shown(`${EXTRA}  - from: StatusAPI\n    to: OrderTopic\n    select: { | }\n`), ['limit']);
    });

    it('offers the keywords of a position: `earliest` for kafka `from`, `end` for kafka `until`, `empty` for mq `until`', () => {
      const items = complete(select('OrderTopic', 'OrderQueue', '      from: |\n'));
      assert.deepEqual(items.map((item) => [item.label, item.detail]), [['earliest', 'the oldest message the topic still holds (or write an offset or an ISO-8601 time)']]);
      assert.deepEqual(values(select('OrderTopic', 'OrderQueue', '      until: |\n')), ['end']);
      assert.deepEqual(values(`${EXAMPLE}  - { from: OrderQueue, to: OrderTopic, select: { until: | } }\n`), ['empty']);
    });
  });

  describe('columns: key columns and JSONPaths', () => {
    it('offers the key columns that `columns` does not write yet', () => {
      const text = connection('OrderService', 'OrderDB', '    key: [order_id, tenant]\n    columns:\n      order_id: $.orderId\n      |\n');
      assert.deepEqual(shown(text), ['tenant']);
      assert.equal(insertOf(text, 'tenant'), 'tenant: ${1:$.tenant}');
    });

    it('offers the whole payload and the field named like the column (as written and in camelCase)', () => {
      const items = complete(connection('OrderService', 'OrderDB', '    columns:\n      order_id: |\n'));
      assert.deepEqual(items.map((item) => [item.label, item.detail]), [
        ['$', 'the whole payload'], ['$.order_id', 'the payload\'s `order_id`'], ['$.orderId', 'the payload\'s `orderId`'],
      ]);
      // A column name that is not an identifier is written in brackets.
      assert.deepEqual(values(connection('OrderService', 'OrderDB', '    columns: { "order id": | }\n')), ['$', '$[\'order id\']']);
    });

    it('offers the written columns as `key` values (only `body` without columns)', () => {
      assert.deepEqual(values(connection('OrderService', 'OrderDB', '    columns: { id: $.id, order_id: $.orderId }\n    key: |\n')), ['id', 'order_id']);
      assert.deepEqual(values(connection('OrderService', 'OrderDB', '    columns: { id: $.id, order_id: $.orderId }\n    key: [id, |]\n')), ['id', 'order_id']);
      assert.deepEqual(values(connection('OrderService', 'OrderDB', '    key: |\n')), ['body']);
    });
  });

  describe('access', () => {
    it('offers `github` under access and the identities not yet written under github', () => {
      assert.deepEqual(shown('flow: demo\naccess:\n  |\n'), ['github']);
      assert.deepEqual(shown('flow: demo\naccess:\n  github: { users: [alice], | }\n'), ['orgs', 'teams']);
    });
  });
});

/** Required keys (marked `*`) first, snippets last, each group alphabetical, as `shown` orders them. */
function byRequired(a: string, b: string): number {
  const rank = (label: string) => (label.endsWith('*') ? 0 : label.startsWith('retry block') ? 2 : 1);
  return rank(a) - rank(b) || a.localeCompare(b);
}
