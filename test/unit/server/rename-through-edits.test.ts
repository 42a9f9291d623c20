// The editor's rename and the diagram builder's rename are one engine (flow/edits): same text after, same refusals.
import * as assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { renameComponent } from '../../../flow/edits/component-edits';
import { applyEdits } from '../../../flow/edits/text-edit';
import { FlowRenameError } from '../../../server/language-service';
import { documentAt, service } from './service-fixture';

const FLOW = 'flow: f\ncomponents:\n  "A|": { type: kafka, brokers: [b], topic: t }\n  B: { type: mq, url: u, queue: q }\nconnections:\n  - { from: "A", to: B }\n  - from: A\n    to: B\n';

describe('rename through flow/edits', () => {
  it('gives the editor\'s rename the builder\'s result, keeping each name\'s quotes', () => {
    const { document, position } = documentAt(FLOW);
    const edit = service.doRename(document, position, 'Source')!;
    const renamed = TextDocument.applyEdits(document, edit.changes![document.uri]!);
    const built = renameComponent(document.getText(), 'A', 'Source');
    assert.ok(built.ok);
    assert.equal(renamed, applyEdits(document.getText(), built.edits));
    assert.equal(renamed, FLOW.replace('"A|"', '"Source"').replace('from: "A"', 'from: "Source"').replace('from: A\n', 'from: Source\n'));
  });

  it('refuses what the builder refuses, with its sentence', () => {
    const { document, position } = documentAt(FLOW);
    for (const name of ['B', 'two words']) {
      const built = renameComponent(document.getText(), 'A', name);
      assert.ok(!built.ok);
      assert.throws(() => service.doRename(document, position, name), (e: Error) => e instanceof FlowRenameError && e.message.toLowerCase() === `${built.reason}.`.toLowerCase());
    }
  });
});
