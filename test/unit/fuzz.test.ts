import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { getFlowLanguageService } from '../../server/language-service';
import { largeFlow } from './flow/large-flow';
import { mutations, pick, random } from './flow-mutations';

const fixtures = join(__dirname, '../fixtures');
const corpus = [
  ...['valid', 'invalid', 'edits'].flatMap((dir) =>
    readdirSync(join(fixtures, dir)).filter((f) => f.endsWith('.flow.yaml')).map((f) => readFileSync(join(fixtures, dir, f), 'utf8'))),
  largeFlow(12, 16),
];

describe('fuzz: mutated flows through checkFlow (doValidation) and every language feature', () => {
  it('survives 2,000 seeded mutations without an exception, each call under 1 s', function () {
    this.timeout(120_000);
    const next = random(20261129);
    const names = Object.keys(mutations);
    const service = getFlowLanguageService({ fs: { exists: () => true } });
    let slowest = { ms: 0, what: '' };
    const timed = <T>(what: string, f: () => T): T => {
      const started = performance.now();
      const result = f();
      const ms = performance.now() - started;
      if (ms > slowest.ms) slowest = { ms, what };
      return result;
    };
    for (let i = 0; i < 2000; i++) {
      const mutation = names[i % names.length]!;
      let text = corpus[pick(next, corpus.length)]!;
      for (let k = 0, n = 1 + pick(next, 2); k < n; k++) text = mutations[mutation]!(text, next);
      const what = `mutation ${i} (${mutation})`;
      try {
        const document = TextDocument.create(`test://fuzz/${i}.flow.yaml`, 'flow-yaml', i, text);
        const position = document.positionAt(pick(next, text.length + 1));
        // doValidation is checkFlow (through the service's parse cache, which the other features then share).
        const diagnostics = timed(`${what} doValidation`, () => service.doValidation(document));
        timed(`${what} doComplete`, () => service.doComplete(document, position));
        timed(`${what} doHover`, () => service.doHover(document, position));
        timed(`${what} findDefinition`, () => service.findDefinition(document, position));
        timed(`${what} findReferences`, () => service.findReferences(document, position, true));
        timed(`${what} prepareRename`, () => service.prepareRename(document, position));
        timed(`${what} findDocumentSymbols`, () => service.findDocumentSymbols(document));
        timed(`${what} getCodeActions`, () => service.getCodeActions(document, { start: position, end: position }, diagnostics));
        try {
          timed(`${what} doRename`, () => service.doRename(document, position, 'Renamed'));
        } catch (error) {
          // A refused rename is an answer with a sentence for the user, not a crash.
          if ((error as Error).name !== 'FlowRenameError') throw error;
        }
        service.forget(document.uri);
      } catch (error) {
        assert.fail(`${what} threw: ${(error as Error).stack ?? String(error)}`);
      }
    }
    assert.ok(slowest.ms < 1000, `slowest call ${slowest.what} took ${slowest.ms.toFixed(0)} ms`);
  });
});
