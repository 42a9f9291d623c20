// The shipped flow schema's validator: precompiled (ajv standalone code, as esbuild.mjs bundles it), it reports what the compiled one does.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import * as esbuild from 'esbuild';
import { compileFlowSchema, flowSchemaValidatorCode } from '../../../flow/flow-schema-validator';
import { parseFlow } from '../../../flow/parse';
import { flowSchema } from '../../../flow/schema';
import { validationSchema } from '../../../flow/validation-schema';
import { mutations, pick, random } from '../flow-mutations';

const repo = join(__dirname, '..', '..', '..');

/** The standalone code bundled the way esbuild.mjs does (its `require`s of ajv's runtime resolved), then loaded. */
function precompiled(): ValidateFunction {
  const { outputFiles } = esbuild.buildSync({
    stdin: { contents: `${flowSchemaValidatorCode(flowSchema)}\nexport function shippedFlowSchemaValidator() { return validate; }\n`, resolveDir: repo, loader: 'js' },
    bundle: true, platform: 'node', format: 'cjs', write: false, logLevel: 'silent',
  });
  const module = { exports: {} as { shippedFlowSchemaValidator?: () => ValidateFunction } };
  new Function('module', 'exports', 'require', outputFiles[0]!.text)(module, module.exports, createRequire(join(repo, 'package.json')));
  return module.exports.shippedFlowSchemaValidator!();
}

describe('the flow schema validator', () => {
  it('validates the schema without its annotations, keeping values and properties that bear an annotation\'s name', () => {
    const schema = {
      description: 'd', markdownDescription: 'm', default: 1, 'x-flowtracer': { family: 'broker' },
      properties: { description: { type: 'string', description: 'a property named description' }, kind: { const: { description: 'a value' }, title: 't' } },
      allOf: [{ if: { properties: { kind: { enum: [{ default: 2 }] } } }, then: { required: ['description'], $comment: 'c' } }],
      definitions: { d: { type: 'integer', examples: [1] } },
    };
    assert.deepEqual(validationSchema(schema), {
      properties: { description: { type: 'string' }, kind: { const: { description: 'a value' } } },
      allOf: [{ if: { properties: { kind: { enum: [{ default: 2 }] } } }, then: { required: ['description'] } }],
      definitions: { d: { type: 'integer' } },
    });
    assert.ok(JSON.stringify(validationSchema(flowSchema)).length < JSON.stringify(flowSchema).length / 2, 'the docs are most of the shipped schema');
  });

  it('reports, precompiled, the same errors as compiled, on every fixture and 1,500 mutations of them', function () {
    this.timeout(60_000);
    const compiled = compileFlowSchema(flowSchema);
    const standalone = precompiled();
    const fixtures = join(repo, 'test', 'fixtures');
    const corpus = ['valid', 'invalid', 'edits'].flatMap((dir) =>
      readdirSync(join(fixtures, dir)).filter((f) => f.endsWith('.flow.yaml')).map((f) => readFileSync(join(fixtures, dir, f), 'utf8')));
    const next = random(20261202);
    const names = Object.keys(mutations);
    const texts = [...corpus, ...Array.from({ length: 1500 }, () => mutations[names[pick(next, names.length)]!]!(corpus[pick(next, corpus.length)]!, next))];
    let faulty = 0;
    for (const text of texts) {
      const value = parseFlow(text).value;
      if (value === undefined) continue;
      const valid = compiled(value);
      assert.equal(standalone(value), valid, text);
      assert.deepEqual(standalone.errors ?? null, compiled.errors ?? null, text);
      if (!valid) faulty++;
    }
    assert.ok(faulty > 100, `${faulty} of ${texts.length} documents broke the schema`);
  });
});
