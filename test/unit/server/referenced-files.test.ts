// The language service's referenced files (what the server has the client watch) and re-checking after one changed.
import * as assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { getFlowLanguageService } from '../../../server/language-service';

const FLOW = `flow: orders
components:
  K: { type: kafka, brokers: [localhost:9092], topic: orders }
  Q: { type: mq, url: amqp://localhost, queue: orders }
connections:
  - { from: K, to: Q, schema: schemas/order.json }
  - { from: K, to: Q, schema: /etc/shared.json }
  - { from: K, to: Q, schema: schemas/order.json }
`;

describe('language service: referenced files', () => {
  it('lists each `schema:` file a flow reads once, resolved against the flow', () => {
    const service = getFlowLanguageService({ fs: { exists: () => true } });
    const document = TextDocument.create('file:///work/flows/orders.flow.yaml', 'flow-yaml', 1, FLOW);
    assert.deepEqual(service.findReferencedFiles(document), ['/work/flows/schemas/order.json', '/etc/shared.json']);
  });

  it('leaves out the paths an untrusted workspace does not read', () => {
    const service = getFlowLanguageService({ fs: { exists: () => true, untrustedRoots: ['/work'] } });
    const document = TextDocument.create('file:///work/flows/orders.flow.yaml', 'flow-yaml', 1, FLOW);
    assert.deepEqual(service.findReferencedFiles(document), ['/work/flows/schemas/order.json']);
  });

  it('checks the same version again after forgetAll, and finds a file created since', () => {
    const existing = new Set<string>(['/etc/shared.json']);
    const service = getFlowLanguageService({ fs: { exists: (path) => existing.has(path) } });
    const document = TextDocument.create('file:///work/flows/orders.flow.yaml', 'flow-yaml', 1, FLOW);
    assert.deepEqual(service.doValidation(document).map((d) => [d.code, d.range.start.line]), [['schema-file-missing', 5], ['schema-file-missing', 7]]);
    existing.add('/work/flows/schemas/order.json');
    assert.equal(service.doValidation(document).length, 2, 'the check of a version is cached');
    service.forgetAll();
    assert.deepEqual(service.doValidation(document), []);
  });
});
