import * as assert from 'node:assert/strict';
import type { Hover } from 'vscode-languageserver-types';
import { docAtPath } from '../flow/schema-at-path';
import { documentAt, EXAMPLE, service } from './service-fixture';

function hover(text: string): Hover | null {
  const { document, position } = documentAt(text);
  return service.doHover(document, position);
}

const markdownOf = (result: Hover | null): string | undefined =>
  result && typeof result.contents === 'object' && 'value' in result.contents ? result.contents.value : undefined;

describe('hover', () => {
  it('shows the docs of a key with its range', () => {
    const result = hover('components:\n  T:\n    type: kafka\n    to|pic: orders\n');
    assert.equal(markdownOf(result), `**topic** (required)\n\n${docAtPath(['components', 'T', 'topic'], () => 'kafka')!.markdownDescription}`);
    assert.deepEqual(result?.range, { start: { line: 3, character: 4 }, end: { line: 3, character: 9 } });
  });

  it('shows the docs of a retry key', () => {
    assert.equal(markdownOf(hover('defaults:\n  retry: { strat|egy: fixed }\n')), `**strategy**\n\n${docAtPath(['defaults', 'retry', 'strategy'])!.markdownDescription}`);
  });

  it('shows a referenced component with its settings, the URL password masked, and the inferred kind', () => {
    const text = EXAMPLE.replace('  - from: OrderTopic\n    to: OrderQueue', '  - from: OrderTopic\n    to: Order|Queue');
    assert.equal(
      markdownOf(hover(text)),
      '**OrderQueue** · `mq`\n\n- `url`: amqp://guest:••••@localhost:5672\n- `queue`: orders\n\nConnection kind: `kafka-to-mq` (inferred)',
    );
  });

  it('masks secret references in a referenced component', () => {
    const text = EXAMPLE.replace('  - from: OrderQueue\n    to: OrderService', '  - from: OrderQueue\n    to: |OrderService');
    assert.equal(
      markdownOf(hover(text)),
      '**OrderService** · `service`\n\n- `url`: http://localhost:8080/orders\n- `headers`: { Authorization: •••• }\n\nConnection kind: `processing` (inferred)',
    );
  });

  it('masks what comes from ${secret:…} whatever the key is called, and a credential key\'s value whatever it is written with', () => {
    const text = [
      'components:',
      '  Shop:',
      '    type: service',
      '    url: "http://${secret:svc-user}:${secret:svc-pass}@shop.internal/orders"',
      '    headers: { x-custom: "tenant-${secret:tenant}", X-Api-Key: "${env:SHOP_KEY}", x-region: "${env:REGION}" }',
      'connections:',
      '  - from: Shop',
      '    to: |Shop',
      '',
    ].join('\n');
    assert.equal(
      markdownOf(hover(text))?.split('\n\n')[1],
      '- `url`: http://••••:••••@shop.internal/orders\n- `headers`: { x-custom: tenant-••••, X-Api-Key: ••••, x-region: ${env:REGION} }',
    );
  });

  it('masks the env defaults of a component marked secret: true, and shows the mark itself', () => {
    const text = 'components:\n  Shop:\n    type: service\n    secret: true\n    url: "http://shop/${env:ROUTE:-r-acme}"\nconnections:\n  - from: Shop\n    to: |Shop\n';
    assert.equal(markdownOf(hover(text))?.split('\n\n')[1], '- `secret`: true\n- `url`: http://shop/${env:ROUTE:-••••}');
  });

  it('shows the kind of a connection on its from key', () => {
    const text = EXAMPLE.replace('  - from: OrderQueue', '  - fr|om: OrderQueue');
    assert.equal(markdownOf(hover(text)), `**from** (required)\n\n${docAtPath(['connections', 0, 'from'])!.markdownDescription}\n\nConnection kind: \`processing\` (inferred)`);
  });

  it('says a written kind next to the inferred one', () => {
    assert.equal(markdownOf(hover(EXAMPLE + '  - { from: OrderTopic, to: OrderDB, kind: d|b }\n')), 'Connection kind: `db` (inferred: `db`)');
  });

  it('returns null on a value without docs', () => {
    assert.equal(hover('flow: or|ders\n'), null);
  });
});
