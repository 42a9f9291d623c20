// Payload validation with ajv against a connection's `schema` file, for the warn, strict and dry-run modes.
import Ajv, { type ValidateFunction } from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import type AjvCore from 'ajv/dist/core';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export type PayloadCheck = { readonly valid: true } | { readonly valid: false; readonly problem: string };

/** The one result of every payload that passes (none allocated a message). */
const VALID: PayloadCheck = Object.freeze({ valid: true });

/** The connection's schema file is missing or is not a JSON Schema. */
export class SchemaFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaFileError';
  }
}

/**
 * The ajv for the draft a schema's `$schema` names: 2020-12, 2019-09, or draft-07 (also when it names none),
 * with the standard formats (date-time, email, uuid…) checked rather than ignored.
 */
function ajvFor(schema: unknown, schemaPath: string): AjvCore {
  const declared = (schema as { $schema?: unknown } | null)?.$schema;
  const draft = typeof declared === 'string' ? declared : undefined;
  // Unknown keywords (x-…, examples) are allowed; ajv's own console warnings would only be noise in a run's output.
  const options = { allErrors: true, strict: false, logger: false as const };
  let ajv: AjvCore;
  if (draft === undefined || /draft-07/.test(draft)) ajv = new Ajv(options);
  else if (draft.includes('2020-12')) ajv = new Ajv2020(options);
  else if (draft.includes('2019-09')) ajv = new Ajv2019(options);
  else throw new SchemaFileError(`schema ${schemaPath} declares $schema ${draft}: the supported drafts are draft-07, 2019-09 and 2020-12`);
  addFormats(ajv);
  return ajv;
}

export class PayloadValidator {
  private constructor(private readonly validateFn: ValidateFunction | undefined) {}

  /** A validator that accepts everything: no `schema` on the connection. */
  static none(): PayloadValidator {
    return new PayloadValidator(undefined);
  }

  /** Compiles the schema at `schemaPath`, relative to the flow file. */
  static fromFile(flowFile: string, schemaPath: string): PayloadValidator {
    const file = resolve(dirname(flowFile), schemaPath);
    let schema: unknown;
    try {
      schema = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new SchemaFileError(`schema ${schemaPath} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    const ajv = ajvFor(schema, schemaPath);
    try {
      return new PayloadValidator(ajv.compile(schema as object));
    } catch (error) {
      throw new SchemaFileError(`schema ${schemaPath} is not a valid JSON Schema: ${(error as Error).message}`);
    }
  }

  get active(): boolean {
    return this.validateFn !== undefined;
  }

  check(payload: Buffer): PayloadCheck {
    if (!this.validateFn) return VALID;
    let value: unknown;
    try {
      value = JSON.parse(payload.toString('utf8'));
    } catch {
      return { valid: false, problem: 'the payload is not JSON' };
    }
    if (this.validateFn(value)) return VALID;
    const problem = (this.validateFn.errors ?? [])
      .map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`)
      .join('; ');
    return { valid: false, problem };
  }
}
