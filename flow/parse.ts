// parseFlow: YAML text -> flow model with the source span of every part, plus YAML syntax diagnostics.
import { Document, isMap, isScalar, isSeq, LineCounter, Pair, parseDocument, visit, YAMLMap } from 'yaml';
import { Diagnostic, DiagnosticSeverity, makeDiagnostic } from './diagnostic';
import { excessiveNesting, MAX_FLOW_NESTING, yamlDiagnostics } from './yaml-problems';
import type { FlowComponent, FlowConnection, FlowModel, TextSpan } from './model';

/** Alias expansion beyond this many nodes is an error (billion-laughs protection). */
const MAX_ALIAS_COUNT = 100;

export interface ParsedFlow {
  readonly text: string;
  readonly document: Document.Parsed;
  readonly lines: LineCounter;
  readonly model: FlowModel;
  /** The document as plain JS (what the schema validates); undefined when aliases blew past the cap. */
  readonly value: unknown;
  /** YAML-level problems: syntax, tabs, duplicate keys, alias bombs. */
  readonly yamlDiagnostics: readonly Diagnostic[];
}

/** The options every flow document is parsed with (also the chunks of an incremental parse). */
export const YAML_PARSE_OPTIONS = { uniqueKeys: true, prettyErrors: false, strict: true, logLevel: 'error' } as const;

export function parseFlow(text: string): ParsedFlow {
  const lines = new LineCounter();
  const tooDeep = excessiveNesting(text);
  if (tooDeep !== undefined) return refusedTooDeep(text, lines, tooDeep);
  // logLevel 'error': the yaml package would print warnings (e.g. collection keys) to the console.
  const document = parseDocument(text, { ...YAML_PARSE_OPTIONS, lineCounter: lines });
  return completeParse(text, document, lines);
}

/**
 * The parse of a document the yaml package has read (whole, or composed from chunks by
 * FlowParseSession): YAML diagnostics, the plain value (alias-capped) and the model.
 */
export function completeParse(text: string, document: Document.Parsed, lines: LineCounter): ParsedFlow {
  const diagnostics = yamlDiagnostics(document, text, lines);
  let model: FlowModel;
  let value: unknown;
  try {
    // Evaluate once with the alias cap so that a bomb throws here rather than later.
    value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    const duplicates = document.errors.some((e) => e.code === 'DUPLICATE_KEY');
    model = buildModel(document, duplicates ? exactRecords(document) : recordsOf(value));
    if (duplicates) keepFirstComponents(value, model);
  } catch (error) {
    // toJS throws on alias bombs ("Excessive alias count") and overflows the stack on absurd nesting:
    // report it, keep an empty model.
    value = undefined;
    model = emptyModel();
    const tooDeep = error instanceof RangeError;
    diagnostics.push(
      tooDeep
        ? makeDiagnostic(lines, { start: 0, end: Math.min(text.length, 1) }, DiagnosticSeverity.Error, 'yaml-too-deep',
            'the YAML nests too deeply to be read; the file is not evaluated')
        : makeDiagnostic(lines, firstAliasSpan(document) ?? { start: 0, end: Math.min(text.length, 1) }, DiagnosticSeverity.Error, 'yaml-alias-limit',
            `YAML aliases expand past the limit of ${MAX_ALIAS_COUNT} nodes; the file is not evaluated (${(error as Error).message})`),
    );
  }
  return { text, document, lines, model, value, yamlDiagnostics: diagnostics };
}

/** toJS lets a duplicate key's last value win; the model (and so every check) keeps the first. */
function keepFirstComponents(value: unknown, model: FlowModel): void {
  const components = (value as { components?: unknown } | null)?.components;
  if (!components || typeof components !== 'object') return;
  for (const component of model.components) (components as Record<string, unknown>)[component.name] = component.props;
}

/** A document nested past the limit is not parsed: one error where the limit is crossed. */
function refusedTooDeep(text: string, lines: LineCounter, offset: number): ParsedFlow {
  countLines(text, lines);
  const document = parseDocument('', { lineCounter: new LineCounter() });
  const diagnostic = makeDiagnostic(lines, { start: offset, end: offset + 1 }, DiagnosticSeverity.Error, 'yaml-too-deep',
    `\`[\`/\`{\` nest more than ${MAX_FLOW_NESTING} levels deep here; the file is not evaluated`);
  return { text, document, lines, model: emptyModel(), value: undefined, yamlDiagnostics: [diagnostic] };
}

/** Fills a LineCounter as the yaml lexer would: one entry per line start. */
export function countLines(text: string, lines: LineCounter): LineCounter {
  lines.addNewLine(0);
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
  return lines;
}

function firstAliasSpan(document: Document.Parsed): TextSpan | undefined {
  let span: TextSpan | undefined;
  visit(document, {
    Alias(_key, node) {
      span = spanOf(node);
      return visit.BREAK;
    },
  });
  return span;
}

export function spanOf(node: { range?: [number, number, number] | null } | null | undefined): TextSpan | undefined {
  const range = node?.range;
  return range ? { start: range[0], end: range[1] } : undefined;
}

function emptyModel(): FlowModel {
  return { id: undefined, title: undefined, description: undefined, defaults: {}, components: [], connections: [], access: undefined };
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

/** How the model gets each part's plain properties from its yaml node. */
type RecordsOf = (node: unknown, ...path: (string | number)[]) => Record<string, unknown>;

/** Properties read again from each node: the first of duplicate keys, where the whole value kept the last. */
function exactRecords(document: Document.Parsed): RecordsOf {
  return (node) => plainRecord(node, document);
}

/** Properties taken from the document's plain value (already evaluated once), by path. */
function recordsOf(value: unknown): RecordsOf {
  return (node, ...path) => {
    if (!isMap(node)) return {};
    let current = value;
    for (const segment of path) current = (current as Record<string | number, unknown> | null | undefined)?.[segment];
    return current && typeof current === 'object' && !Array.isArray(current) ? (current as Record<string, unknown>) : {};
  };
}

function buildModel(document: Document.Parsed, records: RecordsOf): FlowModel {
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
      const props = records(pair.value, 'components', name);
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
        props: records(item, 'connections', index),
        span,
      });
    });
  }
  const access = root.get('access', true);
  return {
    id: stringAt(root, 'flow'),
    title: stringAt(root, 'title'),
    description: stringAt(root, 'description'),
    defaults: records(root.get('defaults', true), 'defaults'),
    components,
    connections,
    access: isMap(access) ? records(access, 'access') : undefined,
    ...(isMap(root.get('journal', true)) ? { journal: records(root.get('journal', true), 'journal') } : {}),
  };
}
