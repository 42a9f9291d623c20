// YAML-level diagnostics: syntax errors placed where the fault is, tabs, duplicate keys and components.
import { isMap, isScalar, visit, type Document, type LineCounter, type Pair, type YAMLError } from 'yaml';
import { type Diagnostic, DiagnosticSeverity, makeDiagnostic } from './diagnostic';
import type { TextSpan } from './model';

const MAX_YAML_ERRORS = 20;

/** Flow collections nested deeper than this are refused before parsing (the parser slows to seconds). */
export const MAX_FLOW_NESTING = 128;

/** Where `[`/`{` nesting first exceeds `limit`, or undefined. Linear; ignores quotes and comments. */
export function excessiveNesting(text: string, limit = MAX_FLOW_NESTING): number | undefined {
  let depth = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote) {
      if (c === 92 /* \\ */ && quote === '"') i++;
      else if (text[i] === quote) quote = '';
      continue;
    }
    if (c === 91 || c === 123) {
      if (++depth > limit) return i;
    } else if (c === 93 || c === 125) depth = Math.max(0, depth - 1);
    else if (c === 34 || c === 39) {
      const previous = text[i - 1];
      if (previous === undefined || /[\s:,[{-]/.test(previous)) quote = text[i]!;
    } else if (c === 35 && (i === 0 || /\s/.test(text[i - 1]!))) {
      const newline = text.indexOf('\n', i);
      if (newline < 0) break;
      i = newline;
    }
  }
  return undefined;
}

export function yamlDiagnostics(document: Document.Parsed, text: string, lines: LineCounter): Diagnostic[] {
  const result: Diagnostic[] = [];
  // One fault often makes the parser stumble several times at the same place: keep the first word on it.
  const seen = new Set<string>();
  const add = (diagnostic: Diagnostic) => {
    const id = `${diagnostic.range.start.line}:${diagnostic.range.start.character}`;
    if (seen.has(id)) return;
    seen.add(id);
    result.push(diagnostic);
  };
  // Past the first few, parser errors are echoes of one fault (and scanning for each would be quadratic).
  for (const problem of document.errors.slice(0, MAX_YAML_ERRORS)) add(yamlProblem(document, text, lines, problem, DiagnosticSeverity.Error));
  for (const problem of document.warnings) add(yamlProblem(document, text, lines, problem, DiagnosticSeverity.Warning));
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
      if (message.includes('call stack')) {
        return makeDiagnostic(lines, span, severity, 'yaml-too-deep', 'the YAML nests too deeply to be read from here on', { yamlCode });
      }
      // The parser reports an unclosed `{`, `[` or quote where it gave up; look back for the opener.
      const gaveUp = yamlCode === 'BAD_INDENT' || yamlCode === 'MISSING_CHAR' || (yamlCode === 'UNEXPECTED_TOKEN' && span.start >= text.trimEnd().length);
      const opener = gaveUp ? unclosedOpener(text, span.start) : undefined;
      if (opener) {
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
  let keySpan = span;
  visit(document, {
    Pair(_key, pair) {
      const range = (pair.key as { range?: [number, number, number] } | null)?.range;
      if (range?.[0] !== span.start) return undefined;
      keySpan = { start: range[0], end: range[1] };
      return visit.BREAK;
    },
  });
  return makeDiagnostic(lines, keySpan, severity, 'yaml-duplicate-key', 'duplicate key: keys of a map must be unique', { yamlCode: 'DUPLICATE_KEY' });
}

/**
 * The innermost flow collection or quoted scalar still open at `offset`, found by a light scan
 * that knows quotes and comments. The yaml package reports such faults where it gave up (often
 * the end of the file); the opener is where a person has to look.
 */
function unclosedOpener(text: string, offset: number): { char: string; offset: number } | undefined {
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
