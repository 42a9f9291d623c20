// Finds malformed `${env:…}` / `${secret:…}` references in every string value of the document.
import { isScalar, type Scalar } from 'yaml';
import { type Diagnostic, DiagnosticSeverity, makeDiagnostic } from './diagnostic';
import type { ParsedFlow } from './parse';
import { scanValueReferences } from './value-references';
import { eachNode } from './yaml-path';

export function checkReferences(parsed: ParsedFlow): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  if (!parsed.text.includes('${')) return diagnostics;
  // Values repeat (the same broker URL in every component): each is scanned once.
  const scanned = new Map<string, ReturnType<typeof scanValueReferences>['problems']>();
  const check = (node: Scalar): void => {
    if (typeof node.value !== 'string' || !node.value.includes('${') || !node.range) return;
    let problems = scanned.get(node.value);
    if (!problems) {
      problems = scanValueReferences(node.value).problems;
      scanned.set(node.value, problems);
    }
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
  };
  eachNode(parsed.document.contents, (node) => {
    if (isScalar(node)) check(node);
  });
  return diagnostics;
}
