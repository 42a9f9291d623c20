// checkFlow: every diagnostic of a flow file (YAML, schema, semantics), pure and synchronous.
import type { Diagnostic } from './diagnostic';
import { parseFlow, type ParsedFlow } from './parse';

/** What checks may need from outside: whether a file exists (for `schema:` references). */
export interface FlowFileSystem {
  exists(path: string): boolean;
}

export interface CheckOptions {
  /** The flow file's own path, for resolving relative references. */
  readonly path?: string;
  readonly fs?: FlowFileSystem;
}

export interface CheckedFlow {
  readonly parsed: ParsedFlow;
  readonly diagnostics: readonly Diagnostic[];
}

export function checkFlow(text: string, _options: CheckOptions = {}): CheckedFlow {
  const parsed = parseFlow(text);
  return { parsed, diagnostics: [...parsed.yamlDiagnostics] };
}
