// Finds malformed `${env:…}` / `${secret:…}` references in every string value of the document.
import { isMap, isPair, isScalar, isSeq, type Scalar } from 'yaml';
import { type Diagnostic, DiagnosticSeverity, makeDiagnostic } from './diagnostic';
import type { ParsedFlow } from './parse';
import { scanValueReferences } from './value-references';

export function checkReferences(parsed: ParsedFlow): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  if (!parsed.text.includes('${')) return diagnostics;
  // A plain walk (the yaml package's `visit` costs several times more on large flows); values repeat, so each is scanned once.
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
  const walk = (node: unknown): void => {
    if (isScalar(node)) check(node);
    else if (isPair(node)) {
      walk(node.key);
      walk(node.value);
    } else if (isMap(node) || isSeq(node)) for (const item of node.items as unknown[]) walk(item);
  };
  walk(parsed.document.contents);
  return diagnostics;
}
