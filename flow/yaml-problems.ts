// YAML-level diagnostics: syntax errors placed where the fault is, tabs, duplicate keys and components.
import { isMap, isScalar, type Document, type LineCounter, type Pair, type YAMLError } from 'yaml';
import { type Diagnostic, DiagnosticSeverity, makeDiagnostic } from './diagnostic';
import type { TextSpan } from './model';

export function yamlDiagnostics(document: Document.Parsed, text: string, lines: LineCounter): Diagnostic[] {
  const result: Diagnostic[] = [];
  for (const problem of document.errors) result.push(yamlProblem(document, text, lines, problem, DiagnosticSeverity.Error));
  for (const problem of document.warnings) result.push(yamlProblem(document, text, lines, problem, DiagnosticSeverity.Warning));
  return result;
}

function yamlProblem(document: Document.Parsed, text: string, lines: LineCounter, problem: YAMLError, severity: DiagnosticSeverity): Diagnostic {
  const start = Math.min(problem.pos[0], text.length);
  const span = { start, end: Math.max(start, Math.min(problem.pos[1], text.length)) };
  const message = problem.message.split('\n')[0] ?? problem.message;
  const yamlCode = problem.code;
  switch (yamlCode) {
    case 'TAB_AS_INDENT':
      return makeDiagnostic(lines, span, severity, 'yaml-tab', 'tabs are not allowed as indentation in YAML; indent with spaces', { yamlCode });
    case 'DUPLICATE_KEY':
      return duplicateKey(document, lines, span, severity);
    default: {
      const opener = unclosedOpener(text, span.start);
      if (opener && (yamlCode === 'BAD_INDENT' || yamlCode === 'MISSING_CHAR' || yamlCode === 'UNEXPECTED_TOKEN')) {
        const what = opener.char === '{' ? 'flow map `{`' : opener.char === '[' ? 'flow sequence `[`' : `quote \`${opener.char}\``;
        const closer = opener.char === '{' ? '}' : opener.char === '[' ? ']' : opener.char;
        return makeDiagnostic(lines, { start: opener.offset, end: opener.offset + 1 }, severity, 'yaml-syntax',
          `unclosed ${what}: it needs a closing \`${closer}\` (${message})`, { yamlCode });
      }
      return makeDiagnostic(lines, span, severity, 'yaml-syntax', message, { yamlCode });
    }
  }
}

function duplicateKey(document: Document.Parsed, lines: LineCounter, span: TextSpan, severity: DiagnosticSeverity): Diagnostic {
  const root = document.contents;
  const components = isMap(root) ? root.get('components', true) : undefined;
  if (isMap(components)) {
    const pairs = components.items as Pair[];
    const duplicate = pairs.find((p) => isScalar(p.key) && p.key.range?.[0] === span.start);
    if (duplicate && isScalar(duplicate.key)) {
      const name = String(duplicate.key.value);
      const first = pairs.find((p) => isScalar(p.key) && String(p.key.value) === name);
      const firstLine = first && isScalar(first.key) && first.key.range ? lines.linePos(first.key.range[0]).line : undefined;
      const where = firstLine ? ` (line ${firstLine})` : '';
      return makeDiagnostic(lines, span, severity, 'duplicate-component',
        `duplicate component \`${name}\`: the first definition${where} is used; rename or remove this one`, { name });
    }
  }
  return makeDiagnostic(lines, span, severity, 'yaml-duplicate-key', 'duplicate key: keys of a map must be unique', { yamlCode: 'DUPLICATE_KEY' });
}

/**
 * The innermost flow collection or quoted scalar still open at `offset`, found by a light scan
 * that knows quotes and comments. The yaml package reports such faults where it gave up (often
 * the end of the file); the opener is where a person has to look.
 */
export function unclosedOpener(text: string, offset: number): { char: string; offset: number } | undefined {
  const stack: { char: string; offset: number }[] = [];
  let quote: { char: string; offset: number } | undefined;
  let previous = '\n';
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (quote.char === '"' && c === '\\') i++;
      else if (c === quote.char) {
        if (c === "'" && text[i + 1] === "'") i++;
        else quote = undefined;
      }
      continue;
    }
    if (c === '#' && /\s/.test(previous)) {
      const newline = text.indexOf('\n', i);
      i = newline < 0 ? text.length : newline - 1;
      previous = '\n';
      continue;
    }
    if ((c === '"' || c === "'") && /[\s:,[{-]/.test(previous)) quote = { char: c, offset: i };
    else if (c === '{' || c === '[') stack.push({ char: c, offset: i });
    else if (c === '}' || c === ']') stack.pop();
    if (!/[ \t]/.test(c)) previous = c;
    if (c === '\n') previous = '\n';
  }
  return quote ?? stack[stack.length - 1];
}
