// Diagnostics as the flow layer produces them: LSP-shaped, with a stable code per check.
import { Diagnostic, DiagnosticSeverity, Range } from 'vscode-languageserver-types';
import type { LineCounter } from 'yaml';
import type { TextSpan } from './model';

export { Diagnostic, DiagnosticSeverity, Range };

const DIAGNOSTIC_SOURCE = 'flowtracer';

/** Converts a text span to an LSP range (0-based lines and characters). */
function spanToRange(lines: LineCounter, span: TextSpan): Range {
  const start = lines.linePos(span.start);
  const end = lines.linePos(span.end);
  return Range.create(start.line - 1, start.col - 1, end.line - 1, end.col - 1);
}

export function makeDiagnostic(
  lines: LineCounter,
  span: TextSpan,
  severity: DiagnosticSeverity,
  code: string,
  message: string,
  data?: unknown,
): Diagnostic {
  const diagnostic = Diagnostic.create(spanToRange(lines, span), message, severity, code, DIAGNOSTIC_SOURCE);
  if (data !== undefined) diagnostic.data = data;
  return diagnostic;
}

export function severityName(severity: DiagnosticSeverity | undefined): 'error' | 'warning' | 'info' | 'hint' {
  switch (severity) {
    case DiagnosticSeverity.Warning:
      return 'warning';
    case DiagnosticSeverity.Information:
      return 'info';
    case DiagnosticSeverity.Hint:
      return 'hint';
    default:
      return 'error';
  }
}
