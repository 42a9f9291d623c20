// Finds malformed `${env:…}` / `${secret:…}` references in every string value of the document.
import { isScalar, visit } from 'yaml';
import { type Diagnostic, DiagnosticSeverity, makeDiagnostic } from './diagnostic';
import type { ParsedFlow } from './parse';
import { scanValueReferences } from './value-references';

export function checkReferences(parsed: ParsedFlow): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  if (!parsed.text.includes('${')) return diagnostics;
  visit(parsed.document, {
    Scalar(_key, node) {
      if (!isScalar(node) || typeof node.value !== 'string' || !node.value.includes('${') || !node.range) return;
      const { problems } = scanValueReferences(node.value);
      if (problems.length === 0) return;
      const [start, end] = node.range;
      const source = parsed.text.slice(start, end);
      // Exact offsets when the source spells the value verbatim (plain, or quoted without escapes).
      const offset = source === node.value ? start : source.slice(1, -1) === node.value ? start + 1 : undefined;
      for (const problem of problems) {
        const span = offset === undefined ? { start, end } : { start: offset + problem.start, end: offset + problem.end };
        diagnostics.push(makeDiagnostic(parsed.lines, span, DiagnosticSeverity.Error, 'bad-reference', problem.message,
          { reference: node.value.slice(problem.start, problem.end) }));
      }
    },
  });
  return diagnostics;
}
