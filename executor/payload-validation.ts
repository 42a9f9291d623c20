// Payload validation with ajv against a connection's `schema` file, for the warn, strict and dry-run modes.
import Ajv, { type ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export type PayloadCheck = { readonly valid: true } | { readonly valid: false; readonly problem: string };

/** The connection's schema file is missing or is not a JSON Schema. */
export class SchemaFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaFileError';
  }
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
    try {
      const ajv = new Ajv({ allErrors: true, strict: false });
      return new PayloadValidator(ajv.compile(schema as object));
    } catch (error) {
      throw new SchemaFileError(`schema ${schemaPath} is not a valid JSON Schema: ${(error as Error).message}`);
    }
  }

  get active(): boolean {
    return this.validateFn !== undefined;
  }

  check(payload: Buffer): PayloadCheck {
    if (!this.validateFn) return { valid: true };
    let value: unknown;
    try {
      value = JSON.parse(payload.toString('utf8'));
    } catch {
      return { valid: false, problem: 'the payload is not JSON' };
    }
    if (this.validateFn(value)) return { valid: true };
    const problem = (this.validateFn.errors ?? [])
      .map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`)
      .join('; ');
    return { valid: false, problem };
  }
}
