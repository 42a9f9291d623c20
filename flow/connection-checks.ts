// Connection checks beyond the schema: database writes, `schema:` files, JSONPaths (`select` is select-checks.ts').
import { type Diagnostic, DiagnosticSeverity, makeDiagnostic } from './diagnostic';
import type { FlowGraph } from './graph';
import { jsonPathProblem } from './json-paths';
import type { ParsedFlow } from './parse';
import { CONNECTION_DEFAULTS } from './schema';
import { isInside, untrustedSchemaPathProblem } from './untrusted-paths';
import { keySpanAt, valueSpanAt } from './yaml-path';

/** What checks may need from outside: whether a file exists (for `schema:` references). */
export interface FlowFileSystem {
  exists(path: string): boolean;
  /**
   * Set in an untrusted workspace: its folders. Then a `schema:` is looked at only when it is relative and stays
   * inside the folder that holds the flow (the flow's own folder when none does); undefined when trusted.
   */
  readonly untrustedRoots?: readonly string[] | undefined;
}

const KEYED_OPERATIONS = new Set(['upsert', 'update', 'delete']);
/** What a database write puts in its row without `columns`: the whole payload (the schema's `columns` says so). */
export const DEFAULT_COLUMN = 'body';

export function checkConnections(parsed: ParsedFlow, graph: FlowGraph, flowPath: string | undefined, fs: FlowFileSystem | undefined): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const { document, lines } = parsed;
  const push = (span: ReturnType<typeof valueSpanAt>, severity: DiagnosticSeverity, code: string, message: string, data?: unknown) => {
    if (span) diagnostics.push(makeDiagnostic(lines, span, severity, code, message, data));
  };
  const { types } = graph;
  // The connection fields that only a write to a database reads (its type's `connection.target` facts).
  const rowWrites = [...new Set(types.names.flatMap((name) => (types.facts(name)!.family === 'database' ? types.facts(name)!.connection.target : [])))];
  for (const { connection, target } of graph.connections) {
    const path = ['connections', connection.index] as const;
    const props = connection.props;
    const targetFacts = types.facts(target?.type);
    if (target && targetFacts?.family === 'database') {
      const operation = typeof props.operation === 'string' ? props.operation : String(CONNECTION_DEFAULTS.operation);
      if (props.table === undefined && target.props.table === undefined) {
        push(connection.toSpan, DiagnosticSeverity.Error, 'db-missing-table',
          `writing to ${target.type} \`${target.name}\` needs a \`table\`: write it on this connection or on the database`, { operation });
      }
      if (KEYED_OPERATIONS.has(operation) && props.key === undefined) {
        push(valueSpanAt(document, [...path, 'operation']), DiagnosticSeverity.Error, 'db-missing-key',
          `\`${operation}\` needs a \`key\`: the column(s) that identify the row`, { operation });
      }
      for (const [keyPath, column] of keyColumns(props.key, [...path, 'key'])) {
        const columns = props.columns && typeof props.columns === 'object' && !Array.isArray(props.columns) ? Object.keys(props.columns) : undefined;
        if ((columns ?? [DEFAULT_COLUMN]).includes(column)) continue;
        const written = columns
          ? `\`columns\` writes ${columns.map((c) => `\`${c}\``).join(', ')}`
          : `without \`columns\` only \`${DEFAULT_COLUMN}\` (the whole payload) is written`;
        push(valueSpanAt(document, keyPath), DiagnosticSeverity.Error, 'db-key-not-in-columns',
          `key column \`${column}\` is not written: ${written}; add it to \`columns\` with the JSONPath of its value`, { column });
      }
    } else if (target && targetFacts) {
      for (const field of rowWrites) {
        if (props[field] === undefined) continue;
        push(keySpanAt(document, [...path, field]), DiagnosticSeverity.Warning, 'db-field-not-applicable',
          `\`${field}\` applies only to connections that write to a database; \`${target.name}\` is ${target.type}`, { property: field });
      }
    }
    if (typeof props.schema === 'string' && fs && flowPath) {
      const { resolved, refused } = schemaFileReference(flowPath, props.schema, fs);
      if (refused) {
        push(valueSpanAt(document, [...path, 'schema']), DiagnosticSeverity.Warning, 'schema-path-untrusted', refused, { path: props.schema });
      } else if (!fs.exists(resolved)) {
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

/** Where a `schema:` reference points, and why it is not read (an untrusted workspace) when it is not. */
function schemaFileReference(flowPath: string, reference: string, fs: FlowFileSystem): { resolved: string; refused: string | undefined } {
  const resolved = resolveRelative(flowPath, reference);
  const refused = fs.untrustedRoots ? untrustedSchemaPathProblem(reference, resolved, rootsOf(flowPath, fs.untrustedRoots)) : undefined;
  return { resolved, refused };
}

/** The `schema:` files the checks of this flow read: what to watch so that their diagnostics follow the files. */
export function referencedSchemaFiles(parsed: ParsedFlow, flowPath: string, fs: FlowFileSystem): string[] {
  const files = new Set<string>();
  for (const connection of parsed.model.connections) {
    const reference = connection.props.schema;
    if (typeof reference !== 'string') continue;
    const { resolved, refused } = schemaFileReference(flowPath, reference, fs);
    if (!refused) files.add(resolved);
  }
  return [...files];
}

/** The key column(s) as written, each with its path (a string key, or the entries of a list). */
function keyColumns(key: unknown, path: readonly (string | number)[]): [readonly (string | number)[], string][] {
  if (typeof key === 'string') return [[path, key]];
  if (!Array.isArray(key)) return [];
  return key.flatMap((column, index): [readonly (string | number)[], string][] => (typeof column === 'string' ? [[[...path, index], column]] : []));
}

function checkJsonPath(diagnostics: Diagnostic[], parsed: ParsedFlow, path: readonly (string | number)[], expression: string): void {
  const problem = jsonPathProblem(expression);
  const span = problem ? valueSpanAt(parsed.document, path) : undefined;
  if (!problem || !span) return;
  diagnostics.push(makeDiagnostic(parsed.lines, span, DiagnosticSeverity.Error, 'bad-jsonpath',
    `\`${expression}\` is not a JSONPath (${problem})`, { expression }));
}

/** The workspace folders that hold the flow, or the flow's own folder when none does. */
function rootsOf(flowPath: string, roots: readonly string[]): readonly string[] {
  const holding = roots.filter((root) => isInside(flowPath, root));
  if (holding.length > 0) return holding;
  const cut = Math.max(flowPath.lastIndexOf('/'), flowPath.lastIndexOf('\\'));
  return cut < 0 ? [] : [flowPath.slice(0, cut)];
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
