// parseFlow: YAML text -> flow model with the source span of every part, plus YAML syntax diagnostics.
import { Document, isMap, isScalar, isSeq, LineCounter, Pair, parseDocument, YAMLMap } from 'yaml';
import { Diagnostic, DiagnosticSeverity, makeDiagnostic } from './diagnostic';
import type { FlowComponent, FlowConnection, FlowModel, TextSpan } from './model';

/** Alias expansion beyond this many nodes is an error (billion-laughs protection). */
export const MAX_ALIAS_COUNT = 100;

export interface ParsedFlow {
  readonly text: string;
  readonly document: Document.Parsed;
  readonly lines: LineCounter;
  readonly model: FlowModel;
  /** YAML-level problems: syntax, tabs, duplicate keys, alias bombs. */
  readonly yamlDiagnostics: readonly Diagnostic[];
}

export function parseFlow(text: string): ParsedFlow {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, strict: true });
  const yamlDiagnostics: Diagnostic[] = [];
  for (const problem of document.errors) {
    yamlDiagnostics.push(yamlProblem(lines, text, problem.pos, problem.code, problem.message, DiagnosticSeverity.Error));
  }
  for (const problem of document.warnings) {
    yamlDiagnostics.push(yamlProblem(lines, text, problem.pos, problem.code, problem.message, DiagnosticSeverity.Warning));
  }
  let model: FlowModel;
  try {
    model = buildModel(document);
  } catch (error) {
    // toJS throws on alias bombs ("Excessive alias count"): report it, keep an empty model.
    model = emptyModel();
    yamlDiagnostics.push(
      makeDiagnostic(lines, { start: 0, end: Math.min(text.length, 1) }, DiagnosticSeverity.Error, 'yaml-alias-limit',
        `YAML aliases expand past the limit of ${MAX_ALIAS_COUNT} nodes: ${(error as Error).message}`),
    );
  }
  return { text, document, lines, model, yamlDiagnostics };
}

function yamlProblem(
  lines: LineCounter,
  text: string,
  pos: [number, number],
  code: string,
  message: string,
  severity: DiagnosticSeverity,
): Diagnostic {
  const start = Math.min(pos[0], text.length);
  const end = Math.max(start, Math.min(pos[1], text.length));
  const firstLine = message.split('\n')[0] ?? message;
  return makeDiagnostic(lines, { start, end }, severity, `yaml-${code.toLowerCase().replace(/_/g, '-')}`, firstLine);
}

export function spanOf(node: { range?: [number, number, number] | null } | null | undefined): TextSpan | undefined {
  const range = node?.range;
  return range ? { start: range[0], end: range[1] } : undefined;
}

function emptyModel(): FlowModel {
  return { id: undefined, title: undefined, description: undefined, defaults: {}, components: [], connections: [], access: undefined };
}

function toPlain(node: unknown): unknown {
  if (node && typeof node === 'object' && 'toJSON' in node && typeof (node as { toJSON: unknown }).toJSON === 'function') {
    return (node as { toJSON: (arg?: unknown, ctx?: unknown) => unknown }).toJSON(undefined, { maxAliasCount: MAX_ALIAS_COUNT });
  }
  return node;
}

function plainRecord(node: unknown, document: Document.Parsed): Record<string, unknown> {
  if (!isMap(node)) return {};
  const value = node.toJS(document, { maxAliasCount: MAX_ALIAS_COUNT }) as unknown;
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function stringAt(map: YAMLMap, key: string): string | undefined {
  const value = map.get(key, true);
  return isScalar(value) && value.value !== null && value.value !== undefined ? String(value.value) : undefined;
}

function buildModel(document: Document.Parsed): FlowModel {
  // Evaluate once with the alias cap so that a bomb throws here rather than later.
  toPlain(document);
  const root = document.contents;
  if (!isMap(root)) return emptyModel();
  const components: FlowComponent[] = [];
  const seen = new Set<string>();
  const componentsNode = root.get('components', true);
  if (isMap(componentsNode)) {
    for (const pair of componentsNode.items as Pair[]) {
      const key = pair.key;
      if (!isScalar(key) || key.value === null) continue;
      const name = String(key.value);
      if (seen.has(name)) continue;
      seen.add(name);
      const nameSpan = spanOf(key) ?? { start: 0, end: 0 };
      const valueSpan = spanOf(pair.value as never);
      const props = plainRecord(pair.value, document);
      const type = typeof props.type === 'string' ? props.type : undefined;
      components.push({ name, type, props, nameSpan, span: { start: nameSpan.start, end: valueSpan?.end ?? nameSpan.end } });
    }
  }
  const connections: FlowConnection[] = [];
  const connectionsNode = root.get('connections', true);
  if (isSeq(connectionsNode)) {
    connectionsNode.items.forEach((item, index) => {
      const span = spanOf(item as never) ?? { start: 0, end: 0 };
      if (!isMap(item)) {
        connections.push({ index, from: undefined, to: undefined, fromSpan: undefined, toSpan: undefined, kind: undefined, props: {}, span });
        return;
      }
      connections.push({
        index,
        from: stringAt(item, 'from'),
        to: stringAt(item, 'to'),
        fromSpan: spanOf(item.get('from', true) as never),
        toSpan: spanOf(item.get('to', true) as never),
        kind: stringAt(item, 'kind'),
        props: plainRecord(item, document),
        span,
      });
    });
  }
  const access = root.get('access', true);
  return {
    id: stringAt(root, 'flow'),
    title: stringAt(root, 'title'),
    description: stringAt(root, 'description'),
    defaults: plainRecord(root.get('defaults', true), document),
    components,
    connections,
    access: isMap(access) ? plainRecord(access, document) : undefined,
  };
}
