// The placeholder values a new component gets for its required fields, read from the schema.
import { componentSchema, propertiesOf } from '../schema';
import type { EditableValue } from './yaml-scalars';

/**
 * Required fields after `type`, each with an empty value the schema rejects (minLength/minItems),
 * so the language server flags it until the user fills it in.
 */
export function requiredPlaceholders(type: string): Array<readonly [string, EditableValue]> {
  const schema = componentSchema(type);
  if (!schema) return [];
  return propertiesOf(schema)
    .filter((p) => p.required && p.name !== 'type')
    .map((p): readonly [string, EditableValue] => [p.name, p.type === 'array' ? [] : '']);
}
