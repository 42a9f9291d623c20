// Checks one form field against its JSON Schema before the builder sends it: required, enum, pattern, integer, minimum.
import type { PropertyDoc } from '../../flow/schema';
import type { BuilderValue } from '../../protocol/webview-messages';

export type FieldCheck = { readonly ok: true; readonly value: BuilderValue | null } | { readonly ok: false; readonly reason: string };

/** Reads the raw text a person typed as the field's value, or says why it is not acceptable. */
export function checkField(property: PropertyDoc, raw: string): FieldCheck {
  const text = raw.trim();
  if (text === '') {
    return property.required ? { ok: false, reason: `${property.name} is required` } : { ok: true, value: null };
  }
  const schema = property.schema;
  switch (property.type) {
    case 'integer':
    case 'number': {
      const value = Number(text);
      if (!Number.isFinite(value) || (property.type === 'integer' && !Number.isInteger(value))) {
        return { ok: false, reason: `${property.name} must be ${property.type === 'integer' ? 'a whole number' : 'a number'}` };
      }
      if (schema.minimum !== undefined && value < schema.minimum) return { ok: false, reason: `${property.name} must be at least ${schema.minimum}` };
      return { ok: true, value };
    }
    case 'boolean':
      if (text !== 'true' && text !== 'false') return { ok: false, reason: `${property.name} must be true or false` };
      return { ok: true, value: text === 'true' };
    case 'array': {
      const items = text.split(',').map((item) => item.trim()).filter((item) => item !== '');
      const bad = property.values ? items.find((item) => !property.values!.includes(item)) : undefined;
      if (bad !== undefined) return { ok: false, reason: `${property.name}: "${bad}" is not one of ${property.values!.join(', ')}` };
      return { ok: true, value: items };
    }
    default: {
      if (property.values && !property.values.includes(text)) return { ok: false, reason: `${property.name} must be one of ${property.values.join(', ')}` };
      const pattern = schema.pattern;
      if (pattern && !new RegExp(pattern).test(text)) return { ok: false, reason: `${property.name}: "${text}" does not have the expected form${property.description ? ` (${property.description})` : ''}` };
      return { ok: true, value: text };
    }
  }
}

/** The fields the form offers: scalars, enums and lists of strings (objects stay in the text). */
export function isFormField(property: PropertyDoc): boolean {
  if (property.name === 'type') return false;
  if (property.type === 'array') return property.schema.items === undefined || ['string', undefined].includes(itemType(property));
  return property.type === 'string' || property.type === 'integer' || property.type === 'number' || property.type === 'boolean';
}

function itemType(property: PropertyDoc): string | undefined {
  const items = property.schema.items;
  if (!items) return undefined;
  if (items.$ref) return 'string';
  return typeof items.type === 'string' ? items.type : undefined;
}

/** A field's current value as the form shows it. */
export function fieldText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map(String).join(', ');
  if (typeof value === 'object') return '';
  return String(value as string | number | boolean);
}
