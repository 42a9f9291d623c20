// Snippets for a new component of each type, a connection and a retry block (required fields as placeholders).
import { componentTypes } from '../../flow/component-types';
import { flowSchema, RETRY_DEFAULTS, RETRY_STRATEGY_FIELDS, type FlowSchema } from '../../flow/schema';
import { componentPropertyInfos } from './flow-vocabulary';

/** A component of `type` named `New<noun>` (its type's facts), with its required fields. */
export function componentSnippet(type: string, indent: number, root: FlowSchema = flowSchema): string {
  const pad = ' '.repeat(indent + 2);
  const required = componentPropertyInfos(type, root).filter((property) => property.required && property.name !== 'type');
  const lines = [`\${1:New${componentTypes(root).facts(type)?.noun ?? type}}:`, `${pad}type: ${type}`];
  required.forEach((property, index) => {
    const placeholder = `\${${index + 2}:${property.placeholder}}`;
    lines.push(property.shape === 'list' ? `${pad}${property.name}: [${placeholder}]` : `${pad}${property.name}: ${placeholder}`);
  });
  return lines.join('\n');
}

/** `withDash`: the cursor is at the list's level, so the snippet starts the item itself. */
export function connectionSnippet(indent: number, withDash: boolean): string {
  const pad = ' '.repeat(withDash ? indent + 2 : indent);
  return `${withDash ? '- ' : ''}from: \${1:source}\n${pad}to: \${2:target}`;
}

/** The example schedule of a strategy whose own field has no default (`custom`'s `delays`). */
const EXAMPLE_DELAYS = 'delays: [${1:1s}, ${2:5s}, ${3:30s}]';

/**
 * A retry block with the fields its strategy alone takes (the schema's branch for it lists them
 * before `strategy`) and `maxAttempts`, the schema defaults as placeholders; a strategy whose own
 * field has no default (`custom`) gets the format's example schedule instead.
 */
export function retrySnippet(strategy: string, indent: number): string {
  const pad = ' '.repeat(indent + 2);
  const fields = RETRY_STRATEGY_FIELDS[strategy] ?? [];
  const own = fields.slice(0, Math.max(0, fields.indexOf('strategy')));
  const lines = own.some((field) => RETRY_DEFAULTS[field] === undefined)
    ? [EXAMPLE_DELAYS]
    : [...own, 'maxAttempts'].map((field, i) => `${field}: \${${i + 1}:${String(RETRY_DEFAULTS[field])}}`);
  return [`retry:`, `strategy: ${strategy}`, ...lines].join(`\n${pad}`);
}
