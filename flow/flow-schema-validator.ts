// The flow schema's ajv validator: the schema as validation reads it, compiled, or as ajv's standalone code for the bundles.
import Ajv, { type ValidateFunction } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import type { FlowSchema } from './schema';
import { validationSchema } from './validation-schema';

// verbose: errors carry their parentSchema, which tells a duration or a team pattern apart.
// strict stays off for the draft-07 unions (`type: [string, integer]` with an enum).
const OPTIONS = { allErrors: true, strict: false, verbose: true } as const;

/** The validator of `root`, compiled now (from sources; and a test's copy of the schema with a new component type). */
export function compileFlowSchema(root: FlowSchema): ValidateFunction {
  return new Ajv(OPTIONS).compile(validationSchema(root) as object);
}

/**
 * The same validator as ajv's standalone code: an ES module whose export `validate` is the function.
 * esbuild.mjs bundles it in place of flow/shipped-flow-schema-validator.ts.
 */
export function flowSchemaValidatorCode(root: FlowSchema): string {
  const ajv = new Ajv({ ...OPTIONS, code: { source: true, esm: true } });
  return standaloneCode(ajv, ajv.compile(validationSchema(root) as object));
}
