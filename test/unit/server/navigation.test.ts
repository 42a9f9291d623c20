import * as assert from 'node:assert/strict';
import { Location, Range, TextEdit } from 'vscode-languageserver-types';
import { FlowRenameError } from '../../../server/language-service';
import { documentAt, EXAMPLE, service } from './service-fixture';

const URI = 'test://test/test.flow.yaml';
const at = (line: number, start: number, end: number): Range => Range.create(line, start, line, end);
const withCaretOn = (needle: string, replacement: string): string => EXAMPLE.replace(needle, replacement);

describe('definition, references and rename', () => {
  it('goes from a `to` value to the component definition', () => {
    const { document, position } = documentAt(withCaretOn('    to: OrderQueue', '    to: Order|Queue'));
    assert.deepEqual(service.findDefinition(document, position), [Location.create(URI, at(6, 2, 12))]);
  });

  it('finds every reference of a component, with and without its declaration', () => {
    const { document, position } = documentAt(withCaretOn('  OrderQueue:', '  |OrderQueue:'));
    assert.deepEqual(service.findReferences(document, position, true), [
      Location.create(URI, at(6, 2, 12)),
      Location.create(URI, at(19, 8, 18)),
      Location.create(URI, at(20, 10, 20)),
    ]);
    assert.deepEqual(service.findReferences(document, position, false), [Location.create(URI, at(19, 8, 18)), Location.create(URI, at(20, 10, 20))]);
  });

  it('prepares a rename on a name and refuses elsewhere', () => {
    const { document, position } = documentAt(withCaretOn('  - from: OrderQueue', '  - from: OrderQ|ueue'));
    assert.deepEqual(service.prepareRename(document, position), { range: at(20, 10, 20), placeholder: 'OrderQueue' });
    const other = documentAt(withCaretOn('topic: orders', 'topic: ord|ers'));
    assert.equal(service.prepareRename(other.document, other.position), null);
  });

  it('renames the component and every from/to, keeping quotes', () => {
    const { document, position } = documentAt('components:\n  "A|": { type: kafka }\n  B: { type: mq }\nconnections:\n  - { from: "A", to: B }\n  - from: A\n    to: B\n');
    assert.deepEqual(service.doRename(document, position, 'Source'), {
      changes: { [URI]: [TextEdit.replace(at(1, 3, 4), 'Source'), TextEdit.replace(at(4, 13, 14), 'Source'), TextEdit.replace(at(5, 10, 11), 'Source')] },
    });
  });

  it('refuses a new name that exists already or is not a plain name', () => {
    const { document, position } = documentAt(withCaretOn('  OrderQueue:', '  |OrderQueue:'));
    assert.throws(() => service.doRename(document, position, 'OrderDB'), new FlowRenameError('A component named "OrderDB" already exists.'));
    assert.throws(
      () => service.doRename(document, position, 'a b'),
      new FlowRenameError(`"a b" is not a valid component name: use letters, digits, '_', '.' or '-', starting with a letter.`),
    );
  });
});
