// Connection checks beyond the schema: database writes, `select` per source, `schema:` files, JSONPaths.
import { type Diagnostic, DiagnosticSeverity, makeDiagnostic } from './diagnostic';
import type { FlowGraph } from './graph';
import { jsonPathProblem } from './json-paths';
import type { ParsedFlow } from './parse';
import { CONNECTION_DEFAULTS } from './schema';
import { keySpanAt, valueSpanAt } from './yaml-path';

/** What checks may need from outside: whether a file exists (for `schema:` references). */
export interface FlowFileSystem {
  exists(path: string): boolean;
}

const KEYED_OPERATIONS = new Set(['upsert', 'update', 'delete']);
const DB_WRITE_FIELDS = ['operation', 'table', 'columns', 'key'] as const;
const SELECT_FIELDS: Readonly<Record<string, readonly string[]>> = {
  kafka: ['from', 'until', 'partitions', 'limit'],
  mq: ['until', 'limit'],
  database: ['query', 'params', 'limit'],
  api: ['limit'],
  service: [],
};

export function checkConnections(parsed: ParsedFlow, graph: FlowGraph, flowPath: string | undefined, fs: FlowFileSystem | undefined): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const { document, lines } = parsed;
  const push = (span: ReturnType<typeof valueSpanAt>, severity: DiagnosticSeverity, code: string, message: string, data?: unknown) => {
    if (span) diagnostics.push(makeDiagnostic(lines, span, severity, code, message, data));
  };
  for (const { connection, source, target } of graph.connections) {
    const path = ['connections', connection.index] as const;
    const props = connection.props;
    if (target?.type === 'database') {
      const operation = typeof props.operation === 'string' ? props.operation : String(CONNECTION_DEFAULTS.operation);
      if (props.table === undefined && target.props.table === undefined) {
        push(connection.toSpan, DiagnosticSeverity.Error, 'db-missing-table',
          `writing to database \`${target.name}\` needs a \`table\`: write it on this connection or on the database`, { operation });
      }
      if (KEYED_OPERATIONS.has(operation) && props.key === undefined) {
        push(valueSpanAt(document, [...path, 'operation']), DiagnosticSeverity.Error, 'db-missing-key',
          `\`${operation}\` needs a \`key\`: the column(s) that identify the row`, { operation });
      }
    } else if (target?.type && SELECT_FIELDS[target.type]) {
      for (const field of DB_WRITE_FIELDS) {
        if (props[field] === undefined) continue;
        push(keySpanAt(document, [...path, field]), DiagnosticSeverity.Warning, 'db-field-not-applicable',
          `\`${field}\` applies only to connections that write to a database; \`${target.name}\` is ${target.type}`, { property: field });
      }
    }
    const select = props.select;
    if (source?.type && SELECT_FIELDS[source.type] && select && typeof select === 'object' && !Array.isArray(select)) {
      const allowed = SELECT_FIELDS[source.type] ?? [];
      for (const field of Object.keys(select)) {
        if (allowed.includes(field) || !Object.values(SELECT_FIELDS).some((f) => f.includes(field))) continue;
        const takes = allowed.length ? `; it takes ${allowed.map((f) => `\`${f}\``).join(', ')}` : '';
        push(keySpanAt(document, [...path, 'select', field]), DiagnosticSeverity.Error, 'select-field-not-applicable',
          `\`select.${field}\` does not apply to a ${source.type} source${takes}`, { property: field, sourceType: source.type });
      }
      const until = (select as Record<string, unknown>).until;
      if (source.type === 'mq' && until !== undefined && until !== 'empty') {
        push(valueSpanAt(document, [...path, 'select', 'until']), DiagnosticSeverity.Error, 'invalid-value', '`until` of an mq source can only be `empty`', { allowed: ['empty'] });
      }
    }
    if (typeof props.schema === 'string' && fs && flowPath) {
      const resolved = resolveRelative(flowPath, props.schema);
      if (!fs.exists(resolved)) {
        push(valueSpanAt(document, [...path, 'schema']), DiagnosticSeverity.Error, 'schema-file-missing',
          `schema file \`${props.schema}\` does not exist (looked for ${resolved})`, { path: resolved });
      }
    }
    const columns = props.columns;
    if (columns && typeof columns === 'object' && !Array.isArray(columns)) {
      for (const [column, expression] of Object.entries(columns)) {
        if (typeof expression === 'string') checkJsonPath(diagnostics, parsed, [...path, 'columns', column], expression);
      }
    }
  }
  for (const component of graph.components.values()) {
    for (const field of ['key', 'items']) {
      const expression = component.props[field];
      if (typeof expression === 'string') checkJsonPath(diagnostics, parsed, ['components', component.name, field], expression);
    }
  }
  return diagnostics;
}

function checkJsonPath(diagnostics: Diagnostic[], parsed: ParsedFlow, path: readonly (string | number)[], expression: string): void {
  const problem = jsonPathProblem(expression);
  const span = problem ? valueSpanAt(parsed.document, path) : undefined;
  if (!problem || !span) return;
  diagnostics.push(makeDiagnostic(parsed.lines, span, DiagnosticSeverity.Error, 'bad-jsonpath',
    `\`${expression}\` is not a JSONPath (${problem})`, { expression }));
}

/** Joins a relative reference to the flow file's folder; absolute references stay as written. */
export function resolveRelative(flowPath: string, reference: string): string {
  if (/^([A-Za-z]:[\\/]|[\\/])/.test(reference)) return reference;
  const separator = flowPath.includes('\\') && !flowPath.includes('/') ? '\\' : '/';
  const cut = Math.max(flowPath.lastIndexOf('/'), flowPath.lastIndexOf('\\'));
  const parts = (cut < 0 ? [] : flowPath.slice(0, cut).split(/[\\/]/)).concat(reference.split(/[\\/]/));
  const out: string[] = [];
  for (const part of parts) {
    if (part === '..' && out.length > 1) out.pop();
    else if (part !== '.' && !(part === '' && out.length > 0)) out.push(part);
  }
  return out.join(separator);
}
