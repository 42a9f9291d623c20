import * as assert from 'node:assert/strict';
import type { CompletionItem } from 'vscode-languageserver-types';
import { documentAt, EXAMPLE, service } from './service-fixture';

function complete(text: string): CompletionItem[] {
  const { document, position } = documentAt(text);
  return service.doComplete(document, position).items;
}

const labels = (items: CompletionItem[]): string[] => items.map((item) => item.label);
const sortedLabels = (items: CompletionItem[]): string[] =>
  [...items].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label)).map((item) => item.label);
const insertOf = (items: CompletionItem[], label: string): string | undefined => {
  const edit = items.find((item) => item.label === label)?.textEdit;
  return edit && 'newText' in edit ? edit.newText : undefined;
};

describe('completion', () => {
  it('offers the missing keys of a kafka component, required ones first', () => {
    const items = complete('components:\n  T:\n    type: kafka\n    |\n');
    assert.deepEqual(sortedLabels(items), [
      'brokers', 'topic', 'clientId', 'description', 'key', 'retry', 'sasl', 'secret', 'ssl', 'validation',
      'retry block (custom)', 'retry block (exponential)', 'retry block (fixed)',
    ]);
  });

  it('offers the keys of an mq component inside a flow mapping', () => {
    const items = complete('components:\n  Q: { type: mq, url: amqp://x, | }\n');
    assert.deepEqual(sortedLabels(items), ['queue', 'description', 'durable', 'exchange', 'prefetch', 'retry', 'routingKey', 'secret', 'validation']);
  });

  it('offers the component types after `type: `', () => {
    assert.deepEqual(labels(complete('components:\n  T:\n    type: |\n')), ['kafka', 'mq', 'database', 'service', 'api']);
  });

  it('offers retry keys in a retry block and strategies as values', () => {
    assert.deepEqual(labels(complete('components:\n  T:\n    type: kafka\n    retry:\n      strategy: fixed\n      |\n')), [
      'delay', 'maxAttempts', 'maxDuration', 'jitter', 'retryOn', 'abortOn',
    ]);
    assert.deepEqual(labels(complete('defaults:\n  retry: { strategy: | }\n')), ['fixed', 'exponential', 'custom']);
    assert.deepEqual(labels(complete('defaults:\n  retry: { strategy: custom, retryOn: [timeout, |] }\n')), ['timeout', 'connection', '4xx', '5xx', '429', 'validation', 'unroutable']);
  });

  it('offers component names after `from: ` with their type and target', () => {
    const items = complete(EXAMPLE + '  - from: |\n');
    assert.deepEqual(items.map((item) => [item.label, item.detail]), [
      ['OrderTopic', 'kafka · topic orders'],
      ['OrderQueue', 'mq · queue orders'],
      ['OrderService', 'service · host localhost:8080'],
      ['OrderDB', 'database · host localhost:5432'],
    ]);
  });

  it('offers in `to` only the components that make a valid pair with `from`', () => {
    const items = complete(EXAMPLE + '  - from: OrderTopic\n    to: |\n');
    assert.deepEqual(labels(items), ['OrderQueue', 'OrderService', 'OrderDB']);
  });

  it('offers the kind inferred for the pair', () => {
    assert.deepEqual(labels(complete(EXAMPLE + '  - from: OrderQueue\n    to: OrderDB\n    kind: |\n')), ['db']);
  });

  it('offers connection keys inside a connection and select keys inside select', () => {
    assert.deepEqual(labels(complete(EXAMPLE + '  - from: OrderQueue\n    to: OrderDB\n    |\n')), [
      'kind', 'description', 'select', 'maxInFlight', 'schema', 'operation', 'table', 'columns', 'key',
    ]);
    assert.deepEqual(labels(complete(EXAMPLE + '  - { from: OrderTopic, to: OrderQueue, select: { | } }\n')), ['from', 'until', 'partitions', 'limit', 'deadLetters']);
    assert.deepEqual(labels(complete(EXAMPLE + '  - { from: OrderTopic, to: OrderQueue, operation: | }\n')), ['insert', 'upsert', 'update', 'delete']);
  });

  it('offers snippets for a new component of each type with required fields as placeholders', () => {
    const items = complete('components:\n  |\n');
    assert.deepEqual(labels(items), ['kafka component', 'mq component', 'database component', 'service component', 'api component']);
    assert.equal(insertOf(items, 'kafka component'), '${1:NewTopic}:\n    type: kafka\n    brokers: [${2:brokers}]\n    topic: ${3:topic}');
  });

  it('offers a connection snippet at the list level', () => {
    const items = complete('components: {}\nconnections:\n  |\n');
    assert.equal(insertOf(items, 'connection'), '- from: ${1:source}\n    to: ${2:target}');
  });

  it('offers the root keys at column 0 and access keys under access', () => {
    assert.deepEqual(labels(complete('|')), ['flow', 'components', 'title', 'description', 'defaults', 'connections', 'access', 'journal']);
    assert.deepEqual(labels(complete('access:\n  github:\n    |')), ['users', 'orgs', 'teams']);
  });

  it('offers error classes after `- ` in a block list', () => {
    assert.deepEqual(labels(complete('defaults:\n  retry:\n    retryOn:\n      - |\n')), ['timeout', 'connection', '4xx', '5xx', '429', 'validation', 'unroutable']);
  });

  it('never throws on broken text', () => {
    for (const text of ['|', '\n|', '\n\n  |', ':|', '- |', '{ |', 'components: [|', 'components:\n  A: { type: |', '\t|x: :', '"|', 'a: "b|']) {
      assert.doesNotThrow(() => complete(text), text);
    }
  });
});
