// Snippets for a new component of each type, a connection and a retry block (required fields as placeholders).
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

export function retrySnippet(indent: number): string {
  const pad = ' '.repeat(indent + 2);
  return `retry:\n${pad}strategy: \${1|exponential,fixed,custom|}\n${pad}delay: \${2:500ms}\n${pad}maxAttempts: \${3:5}`;
}

function capitalised(type: string): string {
  const names: Record<string, string> = { kafka: 'Topic', mq: 'Queue', database: 'Database', service: 'Service', api: 'Api' };
  return `New${names[type] ?? type}`;
}
