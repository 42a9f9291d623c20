// The one text form of a diagnostic that the CLI prints: `file:line:col severity message [code]`.
import { severityName, type Diagnostic } from './diagnostic';

export function formatDiagnostic(file: string, diagnostic: Diagnostic): string {
  const { line, character } = diagnostic.range.start;
  const code = diagnostic.code === undefined ? '' : ` [${diagnostic.code}]`;
  return `${file}:${line + 1}:${character + 1} ${severityName(diagnostic.severity)} ${diagnostic.message}${code}`;
}
