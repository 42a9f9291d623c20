// checkFlow: every diagnostic of a flow file (YAML, schema, semantics), pure and synchronous.
import { checkConnections, type FlowFileSystem } from './connection-checks';
import { type Diagnostic, DiagnosticSeverity } from './diagnostic';
import { resolveFlowGraph } from './graph';
import type { FlowParseSession } from './incremental-parse';
import { parseFlow, type ParsedFlow } from './parse';
import { checkReferences } from './reference-checks';
import { checkRetries } from './retry-checks';
import { validateAgainstSchema } from './schema-validation';
import type { FlowSchema } from './schema';
import { checkSelects } from './select-checks';
import { checkGraph } from './semantic-checks';

export type { FlowFileSystem };

export interface CheckOptions {
  /** The flow file's own path, for resolving relative references. */
  readonly path?: string | undefined;
  readonly fs?: FlowFileSystem | undefined;
  /** Parses through this session (re-reading only changed chunks) instead of the whole text. */
  readonly session?: FlowParseSession | undefined;
  /** The flow schema to check against (default: the shipped one). */
  readonly schema?: FlowSchema | undefined;
}

export interface CheckedFlow {
  readonly parsed: ParsedFlow;
  readonly diagnostics: readonly Diagnostic[];
}

export function checkFlow(text: string, options: CheckOptions = {}): CheckedFlow {
  const parsed = options.session ? options.session.parse(text) : parseFlow(text);
  return { parsed, diagnostics: diagnoseFlow(parsed, options) };
}

/** Every diagnostic of a parsed flow, sorted by position. */
export function diagnoseFlow(parsed: ParsedFlow, options: Omit<CheckOptions, 'session'> = {}): Diagnostic[] {
  const diagnostics: Diagnostic[] = [...parsed.yamlDiagnostics];
  // Schema and semantic checks of a document the YAML parser could not read would only echo its errors.
  const readable = !parsed.yamlDiagnostics.some((d) => d.severity === DiagnosticSeverity.Error && d.code !== 'duplicate-component' && d.code !== 'yaml-duplicate-key');
  if (parsed.value !== undefined && readable) {
    const graph = resolveFlowGraph(parsed.model, options.schema);
    diagnostics.push(
      ...validateAgainstSchema(parsed, options.schema),
      ...checkGraph(parsed, graph),
      ...checkRetries(parsed),
      ...checkConnections(parsed, graph, options.path, options.fs),
      ...checkSelects(parsed, graph),
      ...checkReferences(parsed),
    );
  }
  diagnostics.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return diagnostics;
}
