// Writes names and values as a person would in YAML: plain when safe, quoted only when needed.
import { stringify } from 'yaml';

export type EditableValue = string | number | boolean | readonly string[];

/** A scalar as it would appear after `key: ` (one line). */
export function scalarText(value: string | number | boolean): string {
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

/** A value after `key: `: scalars plain or quoted, lists as a flow sequence. */
export function valueText(value: EditableValue): string {
  if (Array.isArray(value)) return `[${value.map((item) => scalarText(item)).join(', ')}]`;
  return scalarText(value as string | number | boolean);
}

/** Component names are keys, connections' `from`/`to` values: the same spelling rules. */
export const COMPONENT_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
