import * as assert from 'node:assert/strict';
import { ConnectorError } from '../../../executor/connectors/connector';
import { selectBounds } from '../../../executor/connectors/kafka-select';
import { parseKafkaPosition } from '../../../flow/kafka-positions';
import { dataOf, diagnose } from './diagnose';

const H = 'flow: demo\ncomponents:\n';
const K = '  K: { type: kafka, brokers: [localhost:9092], topic: orders }\n';
const Q = '  Q: { type: mq, url: amqp://localhost, queue: orders }\n';
const D = '  D: { type: database, url: postgres://localhost/db }\n';
/** A kafka → mq connection whose `select` block is `lines` (each indented under `select:`). */
const kafkaSelect = (...lines: string[]) => `${H}${K}${Q}connections:\n  - from: K\n    to: Q\n    select:\n${lines.map((l) => `      ${l}\n`).join('')}`;
const NOT_A_POSITION = 'is not a position; write `earliest`, `latest`, `end`, an offset (a whole number, 0 or more) or an ISO-8601 time such as `2026-11-01T00:00:00Z`';

describe('checkFlow: `select` values', () => {
  it('accepts every form of position the format allows', () => {
    assert.deepEqual(diagnose(kafkaSelect('from: earliest', 'until: end', 'partitions: [0, 1]', 'limit: 10000')), []);
    assert.deepEqual(diagnose(kafkaSelect('from: 42', 'until: "100"')), []);
    assert.deepEqual(diagnose(kafkaSelect('from: 2026-11-01T00:00:00Z', 'until: 2026-11-02T08:30:00.250+01:00')), []);
    assert.deepEqual(diagnose(kafkaSelect('from: 2026-11-01', 'until: latest')), []);
    // An offset and a time cannot be compared without the topic: no diagnostic.
    assert.deepEqual(diagnose(kafkaSelect('from: 5000', 'until: 2026-11-01T00:00:00Z')), []);
  });

  it('reports a `from` that is neither a keyword, an offset nor a time, on its value', () => {
    assert.deepEqual(diagnose(kafkaSelect('from: yesterday')), [['bad-select-position', '8:12-8:21', `\`select.from\`: \`yesterday\` ${NOT_A_POSITION}`]]);
    assert.deepEqual(dataOf(kafkaSelect('from: yesterday'), 'bad-select-position'), [{ property: 'from' }]);
  });

  it('reports a negative offset and an impossible date in `until`', () => {
    assert.deepEqual(diagnose(kafkaSelect('until: -3')), [['bad-select-position', '8:13-8:15', `\`select.until\`: \`-3\` ${NOT_A_POSITION}`]]);
    assert.deepEqual(diagnose(kafkaSelect('until: 2026-02-30')), [['bad-select-position', '8:13-8:23', `\`select.until\`: \`2026-02-30\` ${NOT_A_POSITION}`]]);
    assert.deepEqual(diagnose(kafkaSelect('until: 2026-11-01T25:00:00Z')), [['bad-select-position', '8:13-8:33', `\`select.until\`: \`2026-11-01T25:00:00Z\` ${NOT_A_POSITION}`]]);
  });

  it('warns about a time without a zone (read in the executor\'s local time)', () => {
    assert.deepEqual(diagnose(kafkaSelect('from: 2026-11-01T10:00')), [
      ['select-time-without-zone', '8:12-8:28', '`select.from`: `2026-11-01T10:00` has no time zone, so it is read in the executor\'s local time; add `Z` or an offset such as `+01:00`'],
    ]);
  });

  it('reports `until` before `from` on the `until` value, for offsets and for times', () => {
    assert.deepEqual(diagnose(kafkaSelect('from: 100', 'until: 50')), [
      ['select-until-before-from', '9:13-9:15', '`until` (50) is before `from` (100): this select reads nothing'],
    ]);
    assert.deepEqual(diagnose(kafkaSelect('from: "2026-11-02T00:00:00Z"', 'until: 2026-11-01')), [
      ['select-until-before-from', '9:13-9:23', '`until` (2026-11-01) is before `from` (2026-11-02T00:00:00Z): this select reads nothing'],
    ]);
    // Times in different zones compare as instants: 09:00+02:00 is 07:00Z, before 08:00Z.
    assert.deepEqual(diagnose(kafkaSelect('from: 2026-11-01T08:00:00Z', 'until: 2026-11-01T09:00:00+02:00')), [
      ['select-until-before-from', '9:13-9:38', '`until` (2026-11-01T09:00:00+02:00) is before `from` (2026-11-01T08:00:00Z): this select reads nothing'],
    ]);
    assert.deepEqual(dataOf(kafkaSelect('from: 100', 'until: 50'), 'select-until-before-from'), [{ from: '100', until: '50' }]);
  });

  it('reports `until` equal to `from` (until is exclusive)', () => {
    assert.deepEqual(diagnose(kafkaSelect('from: 5', 'until: 5')), [
      ['select-until-before-from', '9:13-9:14', '`until` (5) is the same offset as `from`; `until` is exclusive, so this select reads nothing'],
    ]);
  });

  it('warns that `from: latest` and `until: earliest` read nothing', () => {
    assert.deepEqual(diagnose(kafkaSelect('from: latest')), [
      ['select-reads-nothing', '8:12-8:18', '`from: latest` starts at the end of the topic when the run starts, where a run also stops: it reads nothing; use `earliest`, an offset or a time'],
    ]);
    assert.deepEqual(diagnose(kafkaSelect('until: earliest')), [
      ['select-reads-nothing', '8:13-8:21', '`until: earliest` stops before the first message: it reads nothing; use `end`, an offset or a time'],
    ]);
  });

  it('reports a negative partition on the entry, and a repeated one on its second occurrence', () => {
    assert.deepEqual(diagnose(kafkaSelect('partitions: [0, -1, 2, 0]')), [
      ['invalid-value', '8:22-8:24', '`partitions[1]` must be at least 0'],
      ['invalid-value', '8:29-8:30', '`partitions` lists `0` twice (entries 1 and 4)'],
    ]);
  });

  it('reports a `limit` below 1 or not a whole number on its value', () => {
    assert.deepEqual(diagnose(kafkaSelect('limit: 0')), [['invalid-value', '8:13-8:14', '`limit` must be at least 1']]);
    assert.deepEqual(diagnose(kafkaSelect('limit: 2.5')), [['invalid-value', '8:13-8:16', '`limit` must be a whole number']]);
  });

  it('reports a database source without `select.query` on `select`, or on `from` when there is no select', () => {
    const text = `${H}${K}${D}connections:\n  - { from: D, to: K }\n  - { from: D, to: K, select: { limit: 5 } }\n  - { from: D, to: K, select: { query: select 1 as a order by a }, keyColumn: a }\n`;
    assert.deepEqual(diagnose(text), [
      ['select-missing-query', '5:12-5:13', 'reading from database `D` needs `select.query`: the SQL whose rows are the messages'],
      ['select-missing-query', '6:22-6:28', 'reading from database `D` needs `select.query`: the SQL whose rows are the messages'],
    ]);
  });

  it('reports a query whose placeholders the params do not fill, on the params (or the query without params)', () => {
    const flow = (select: string) => `${H}${K}${D}connections:\n  - { from: D, to: K, select: ${select}, keyColumn: a }\n`;
    assert.deepEqual(diagnose(flow('{ query: "select * from t where a > $1 and b = \'$3\' order by a", params: [1] }')), []);
    assert.deepEqual(diagnose(flow('{ query: "select * from t where a > $1 and b < $2 order by a", params: [1] }')), [
      ['select-params-mismatch', '5:101-5:104', '`query` uses placeholders up to `$2` but `params` gives 1 value; PostgreSQL needs exactly one value per placeholder'],
    ]);
    assert.deepEqual(diagnose(flow('{ query: "select * from t where a > $1 order by a" }')), [
      ['select-params-mismatch', '5:39-5:80', '`query` uses placeholders up to `$1` but `params` gives no value; PostgreSQL needs exactly one value per placeholder'],
    ]);
    assert.deepEqual(diagnose(flow('{ query: select a from t order by a, params: [a, b] }')), [
      ['select-params-mismatch', '5:75-5:81', '`query` has no placeholder but `params` gives 2 values; PostgreSQL needs exactly one value per placeholder'],
    ]);
    assert.deepEqual(dataOf(flow('{ query: select a from t order by a, params: [a, b] }'), 'select-params-mismatch'), [{ placeholders: 0, params: 2 }]);
  });

  describe('a query source\'s key: a resume continues after the last `keyColumn` value delivered', () => {
    /** A database → kafka connection in block style: the query is on line 9 (8 without keyColumn), from column 13. */
    const keyed = (query: string, keyColumn?: string) =>
      `${H}${K}${D}connections:\n  - from: D\n    to: K\n${keyColumn === undefined ? '' : `    keyColumn: ${keyColumn}\n`}    select:\n      query: ${query}\n`;
    const WITHOUT = 'without `keyColumn`, nothing tells which rows of `D` a run delivered, so an interrupted run cannot be resumed; add `keyColumn:` with a unique column of the query, and `ORDER BY` it';
    const unordered = (column: string, written = column) =>
      `\`query\` does not order its rows by \`${column}\` (the \`keyColumn\`); they are read in \`${column}\` order all the same, so that a resume continues after the last one delivered: end the query with \`ORDER BY ${written}\``;

    it('warns about a query source without `keyColumn`, on the query', () => {
      assert.deepEqual(diagnose(keyed('SELECT id, body FROM outbox ORDER BY id')), [['select-without-key-column', '8:13-8:52', WITHOUT]]);
      assert.deepEqual(dataOf(keyed('SELECT id FROM outbox'), 'select-without-key-column'), [{ name: 'D' }]);
    });

    it('accepts a query whose own ORDER BY starts with the key column, ascending', () => {
      for (const query of [
        'SELECT id, body FROM outbox ORDER BY id',
        'select id from outbox o order by o.id asc nulls last, created_at limit 100',
        '"SELECT id FROM outbox ORDER BY ID;"',
        '\'SELECT "id" FROM outbox WHERE note <> \'\'order by x\'\' ORDER BY "id" FETCH FIRST 5 ROWS ONLY\'',
        '"SELECT id FROM (SELECT id FROM outbox ORDER BY created_at) AS recent ORDER BY recent.id -- oldest first"',
        '"SELECT a.id FROM a UNION ALL SELECT b.id FROM b ORDER BY id FOR UPDATE"',
      ]) assert.deepEqual(diagnose(keyed(query, 'id')), [], query);
      assert.deepEqual(diagnose(keyed('\'SELECT "OrderId" FROM orders ORDER BY "OrderId"\'', 'OrderId')), []);
    });

    it('warns, on the query, when its rows are not ordered by the key column', () => {
      assert.deepEqual(diagnose(keyed('SELECT id FROM outbox', 'id')), [['select-not-ordered-by-key', '9:13-9:34', unordered('id')]]);
      const others: [query: string, range: string][] = [
        ['SELECT id FROM outbox ORDER BY created_at, id', '9:13-9:58'],
        ['SELECT id FROM outbox ORDER BY id DESC', '9:13-9:51'],
        ['SELECT id FROM outbox ORDER BY id NULLS FIRST', '9:13-9:58'],
        ['SELECT id FROM outbox ORDER BY 1', '9:13-9:45'],
        ['SELECT id FROM outbox ORDER BY other_id', '9:13-9:52'],
        // Only the outermost ORDER BY orders the rows: not a subquery's, a window's or one in a comment.
        ['SELECT id FROM (SELECT id FROM outbox ORDER BY id) AS q', '9:13-9:68'],
        ['SELECT id, row_number() OVER (ORDER BY id) FROM outbox', '9:13-9:67'],
        ['"SELECT id FROM outbox /* ORDER BY id */"', '9:13-9:54'],
      ];
      for (const [query, range] of others) assert.deepEqual(diagnose(keyed(query, 'id')), [['select-not-ordered-by-key', range, unordered('id')]], query);
      assert.deepEqual(dataOf(keyed('SELECT id FROM outbox', 'id'), 'select-not-ordered-by-key'), [{ keyColumn: 'id' }]);
    });

    it('quotes a key column PostgreSQL would fold to lower case in the ORDER BY it proposes', () => {
      assert.deepEqual(diagnose(keyed('SELECT "OrderId" FROM orders ORDER BY OrderId', 'OrderId')), [
        ['select-not-ordered-by-key', '9:13-9:58', unordered('OrderId', '"OrderId"')],
      ]);
    });
  });

  it('accepts `until: empty` on an mq source and reports kafka positions there', () => {
    assert.deepEqual(diagnose(`${H}${K}${Q}connections:\n  - { from: Q, to: K, select: { until: empty, limit: 3 } }\n`), []);
    assert.deepEqual(diagnose(`${H}${K}${Q}connections:\n  - { from: Q, to: K, select: { until: 2026-11-01 } }\n`), [
      ['invalid-value', '5:39-5:49', '`until` of an mq source can only be `empty`'],
    ]);
  });
});

describe('parseKafkaPosition', () => {
  it('reads keywords, offsets and times, and nothing else', () => {
    assert.deepEqual(parseKafkaPosition('earliest'), { kind: 'earliest' });
    assert.deepEqual(parseKafkaPosition('end'), { kind: 'end', word: 'end' });
    assert.deepEqual(parseKafkaPosition(7), { kind: 'offset', offset: 7n });
    assert.deepEqual(parseKafkaPosition('18446744073709551615'), { kind: 'offset', offset: 18446744073709551615n });
    assert.deepEqual(parseKafkaPosition('2026-11-01T00:00:00Z'), { kind: 'time', ms: Date.UTC(2026, 10, 1), zoned: true });
    assert.deepEqual(parseKafkaPosition('2026-11-01'), { kind: 'time', ms: Date.UTC(2026, 10, 1), zoned: true });
    for (const bad of ['', 'now', '-1', -1, 1.5, '2026-13-01', '2026-02-29', '1 day ago', null]) assert.equal(parseKafkaPosition(bad), undefined, String(bad));
  });
});

describe('a Kafka position: what validate accepts, a run reads, and nothing else', () => {
  const WRITTEN: readonly (string | number)[] = ['earliest', 'latest', 'end', 0, 42, '100', '2026-11-01', '2026-11-01T08:30:00Z', '2026-11-01T08:30:00.250+01:00',
    'now', '-1', -1, 1.5, '2026-13-01', '2026-02-29', '2026-02-30', '2026-11-01T25:00:00Z', '2026-11-01T08:60Z'];
  for (const value of WRITTEN) {
    it(`until: ${JSON.stringify(value)}: the check and the executor agree`, () => {
      // A fraction is the schema's to report, a bad position the select check's; `until: earliest` is only a warning.
      const refused = diagnose(kafkaSelect(`until: ${JSON.stringify(value)}`)).some(([code]) => code !== 'select-reads-nothing');
      const position = (): unknown => selectBounds('K', { from: 'earliest', until: value }).until;
      if (refused) assert.throws(position, (e: Error) => e instanceof ConnectorError && e.errorClass === 'validation' && e.message === `component K: select.until \`${value}\` ${NOT_A_POSITION}`, String(value));
      else assert.deepEqual(position(), parseKafkaPosition(value));
    });
  }
});
