// Snippets for a new component of each type, a connection and a retry block (required fields as placeholders).
import { RETRY_DEFAULTS } from '../../flow/schema';
import { componentPropertyInfos } from './flow-vocabulary';

export function componentSnippet(type: string, indent: number): string {
  const pad = ' '.repeat(indent + 2);
  const required = componentPropertyInfos(type).filter((property) => property.required && property.name !== 'type');
  const lines = [`\${1:${capitalised(type)}}:`, `${pad}type: ${type}`];
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

export const RETRY_SNIPPET_STRATEGIES = ['exponential', 'fixed', 'custom'] as const;

/** A retry block with the fields its strategy takes (schema defaults as placeholders); a custom one gets the format's example schedule. */
export function retrySnippet(strategy: (typeof RETRY_SNIPPET_STRATEGIES)[number], indent: number): string {
  const pad = ' '.repeat(indent + 2);
  const d = RETRY_DEFAULTS;
  const fields: Record<typeof strategy, string[]> = {
    exponential: [`delay: \${1:${String(d.delay)}}`, `factor: \${2:${String(d.factor)}}`, `maxDelay: \${3:${String(d.maxDelay)}}`, `maxAttempts: \${4:${String(d.maxAttempts)}}`],
    fixed: [`delay: \${1:${String(d.delay)}}`, `maxAttempts: \${2:${String(d.maxAttempts)}}`],
    custom: ['delays: [\${1:1s}, \${2:5s}, \${3:30s}]'],
  };
  return [`retry:`, `strategy: ${strategy}`, ...fields[strategy]].join(`\n${pad}`);
}

function capitalised(type: string): string {
  const names: Record<string, string> = { kafka: 'Topic', mq: 'Queue', database: 'Database', service: 'Service', api: 'Api' };
  return `New${names[type] ?? type}`;
}
