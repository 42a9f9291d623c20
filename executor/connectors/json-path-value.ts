// Reads values out of a JSON payload by JSONPath (RFC 9535, jsonpath-rfc9535): db columns, Kafka keys, api items.
import { query, type JsonValue } from 'jsonpath-rfc9535';
import { ConnectorError } from './connector';

/** The payload parsed as JSON; a payload that is not JSON is a validation error naming the component. */
export function parsePayload(component: string, value: Buffer): JsonValue {
  try {
    return JSON.parse(value.toString('utf8')) as JsonValue;
  } catch (error) {
    throw new ConnectorError(`component ${component}: the message is not JSON (${(error as Error).message})`, 'validation', { cause: error });
  }
}

/** The first value `expression` selects (`$` is the whole document), or undefined when nothing matches. */
export function selectValue(document: JsonValue, expression: string): JsonValue | undefined {
  if (expression === '$') return document;
  return query(document, expression)[0];
}

/** Every value `expression` selects; an array selected as a whole is spread into its items. */
export function selectItems(document: JsonValue, expression: string): JsonValue[] {
  const found = query(document, expression);
  if (found.length === 1 && Array.isArray(found[0])) return found[0];
  return found;
}

/** A key as text: strings stay as they are, anything else is its JSON. */
export function keyText(value: JsonValue | undefined): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
