// What the schema says at a document path (schemaAtPath), as the tests compare the features' output with it.
import { schemaAtPath } from '../../../flow/schema';

/** The doc of the key at `path`. */
export function docAtPath(path: readonly (string | number)[], componentTypeOf?: (name: string) => string | undefined): { description: string; markdownDescription: string } | undefined {
  const schema = schemaAtPath(path, componentTypeOf);
  if (!schema?.description) return undefined;
  return { description: schema.description, markdownDescription: schema.markdownDescription ?? schema.description };
}

/** The enum at `path`, as strings. */
export function enumValuesAtPath(path: readonly (string | number)[]): readonly string[] | undefined {
  const values = schemaAtPath(path)?.enum;
  return values ? [...new Set(values.map(String))] : undefined;
}
