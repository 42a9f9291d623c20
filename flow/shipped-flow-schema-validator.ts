// The shipped flow schema's validator. Run from sources it is compiled on first use; each bundle holds ajv's standalone code of it in this module's place (esbuild.mjs), so no process compiles it at startup.
import type { ValidateFunction } from 'ajv';
import { compileFlowSchema } from './flow-schema-validator';
import { flowSchema } from './schema';

let compiled: ValidateFunction | undefined;

export function shippedFlowSchemaValidator(): ValidateFunction {
  return (compiled ??= compileFlowSchema(flowSchema));
}
