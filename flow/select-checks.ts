// Checks of a connection's `select`: the fields the source's type reads (its x-flowtracer facts), Kafka positions and their order, a query.
import { type Diagnostic, DiagnosticSeverity, makeDiagnostic } from './diagnostic';
import type { FlowGraph } from './graph';
import type { TextSpan } from './model';
import type { ParsedFlow } from './parse';
import { KAFKA_POSITION_FORMS, parseKafkaPosition, type KafkaPosition } from './kafka-positions';
import { highestPlaceholder, ordersByColumn } from './sql-text';
import { keySpanAt, valueSpanAt } from './yaml-path';

export function checkSelects(parsed: ParsedFlow, graph: FlowGraph): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const push = (span: TextSpan | undefined, severity: DiagnosticSeverity, code: string, message: string, data?: unknown) => {
    if (span) diagnostics.push(makeDiagnostic(parsed.lines, span, severity, code, message, data));
  };
  const { types } = graph;
  const anyType = new Set(types.names.flatMap((name) => types.facts(name)!.select.fields));
  for (const { connection, source } of graph.connections) {
    const path = ['connections', connection.index, 'select'] as const;
    const written = connection.props.select;
    const select = written && typeof written === 'object' && !Array.isArray(written) ? (written as Record<string, unknown>) : undefined;
    const sourceType = source?.type;
    const facts = types.facts(sourceType);
    if (!source || !sourceType || !facts) continue;
    const reads = facts.select;
    if (reads.required.includes('query') && typeof select?.query !== 'string') {
      const span = select ? keySpanAt(parsed.document, path) : connection.fromSpan;
      push(span, DiagnosticSeverity.Error, 'select-missing-query',
        `reading from ${sourceType} \`${source.name}\` needs \`select.query\`: the SQL whose rows are the messages`, { name: source.name });
    }
    if (!select) continue;
    const allowed = reads.fields;
    for (const field of Object.keys(select)) {
      if (allowed.includes(field) || !anyType.has(field)) continue;
      const takes = allowed.length ? `; it takes ${allowed.map((f) => `\`${f}\``).join(', ')}` : '';
      push(keySpanAt(parsed.document, [...path, field]), DiagnosticSeverity.Error, 'select-field-not-applicable',
        `\`select.${field}\` does not apply to a ${sourceType} source${takes}`, { property: field, sourceType });
    }
    for (const [field, values] of Object.entries(reads.values)) {
      const only = Object.keys(values);
      if (select[field] === undefined || only.includes(select[field] as string)) continue;
      push(valueSpanAt(parsed.document, [...path, field]), DiagnosticSeverity.Error, 'invalid-value',
        `\`${field}\` of ${article(sourceType)} ${sourceType} source can only be ${only.map((v) => `\`${v}\``).join(' or ')}`, { allowed: only });
    }
    const positions = Object.keys(reads.positions);
    if (positions.length > 0) diagnostics.push(...kafkaPositionProblems(parsed, path, select, positions));
    if (allowed.includes('query') && typeof select.query === 'string') {
      const needed = highestPlaceholder(select.query);
      const given = Array.isArray(select.params) ? select.params.length : 0;
      if (needed !== given && (Array.isArray(select.params) || select.params === undefined)) {
        const span = select.params === undefined ? valueSpanAt(parsed.document, [...path, 'query']) : valueSpanAt(parsed.document, [...path, 'params']);
        const uses = needed === 0 ? 'has no placeholder' : `uses placeholders up to \`$${needed}\``;
        push(span, DiagnosticSeverity.Error, 'select-params-mismatch',
          `\`query\` ${uses} but \`params\` gives ${given === 0 ? 'no value' : given === 1 ? '1 value' : `${given} values`}; PostgreSQL needs exactly one value per placeholder`,
          { placeholders: needed, params: given });
      }
      diagnostics.push(...keyOrderProblems(parsed, path, select.query, connection.props.keyColumn, source.name));
    }
  }
  return diagnostics;
}

/** `fields`: the select fields that are Kafka positions (`from`, `until`). */
function kafkaPositionProblems(parsed: ParsedFlow, path: readonly (string | number)[], select: Record<string, unknown>, fields: readonly string[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const push = (field: string, severity: DiagnosticSeverity, code: string, message: string, data: unknown) => {
    const span = valueSpanAt(parsed.document, [...path, field]);
    if (span) diagnostics.push(makeDiagnostic(parsed.lines, span, severity, code, message, data));
  };
  const positions: Partial<Record<'from' | 'until', KafkaPosition>> = {};
  for (const field of (['from', 'until'] as const).filter((f) => fields.includes(f))) {
    const value = select[field];
    // Other types (a list, a fraction) are the schema's to report.
    if (value === undefined || (typeof value !== 'string' && !Number.isInteger(value))) continue;
    const position = parseKafkaPosition(value);
    if (!position) {
      push(field, DiagnosticSeverity.Error, 'bad-select-position',
        `\`select.${field}\`: \`${String(value)}\` is not a position; write ${KAFKA_POSITION_FORMS}`,
        { property: field });
      continue;
    }
    positions[field] = position;
    if (position.kind === 'time' && !position.zoned) {
      push(field, DiagnosticSeverity.Warning, 'select-time-without-zone',
        `\`select.${field}\`: \`${String(value)}\` has no time zone, so it is read in the executor's local time; add \`Z\` or an offset such as \`+01:00\``,
        { property: field });
    }
  }
  const { from, until } = positions;
  if (from?.kind === 'end') {
    push('from', DiagnosticSeverity.Warning, 'select-reads-nothing',
      `\`from: ${from.word}\` starts at the end of the topic when the run starts, where a run also stops: it reads nothing; use \`earliest\`, an offset or a time`,
      { property: 'from' });
  } else if (until?.kind === 'earliest') {
    push('until', DiagnosticSeverity.Warning, 'select-reads-nothing',
      '`until: earliest` stops before the first message: it reads nothing; use `end`, an offset or a time', { property: 'until' });
  } else if (from && until && from.kind === until.kind && (from.kind === 'offset' || from.kind === 'time')) {
    const order = from.kind === 'offset' ? compare(from.offset, (until as typeof from).offset) : compare(from.ms, (until as { ms: number }).ms);
    if (order >= 0) {
      const what = from.kind === 'offset' ? 'offset' : 'time';
      const shown = { from: String(select.from), until: String(select.until) };
      const message = order > 0
        ? `\`until\` (${shown.until}) is before \`from\` (${shown.from}): this select reads nothing`
        : `\`until\` (${shown.until}) is the same ${what} as \`from\`; \`until\` is exclusive, so this select reads nothing`;
      push('until', DiagnosticSeverity.Error, 'select-until-before-from', message, shown);
    }
  }
  return diagnostics;
}

/**
 * A query source resumes after the last `keyColumn` value delivered (its rows are read in that
 * order): without `keyColumn` a resume is refused, and a query that orders otherwise is not read
 * in the order it says.
 */
function keyOrderProblems(parsed: ParsedFlow, path: readonly (string | number)[], query: string, keyColumn: unknown, source: string): Diagnostic[] {
  const span = valueSpanAt(parsed.document, [...path, 'query']);
  if (!span || (keyColumn !== undefined && typeof keyColumn !== 'string')) return [];
  if (keyColumn === undefined) {
    return [makeDiagnostic(parsed.lines, span, DiagnosticSeverity.Warning, 'select-without-key-column',
      `without \`keyColumn\`, nothing tells which rows of \`${source}\` a run delivered, so an interrupted run cannot be resumed; add \`keyColumn:\` with a unique column of the query, and \`ORDER BY\` it`,
      { name: source })];
  }
  if (ordersByColumn(query, keyColumn)) return [];
  const written = /^[a-z_][a-z0-9_$]*$/.test(keyColumn) ? keyColumn : `"${keyColumn.replace(/"/g, '""')}"`;
  return [makeDiagnostic(parsed.lines, span, DiagnosticSeverity.Warning, 'select-not-ordered-by-key',
    `\`query\` does not order its rows by \`${keyColumn}\` (the \`keyColumn\`); they are read in \`${keyColumn}\` order all the same, so that a resume continues after the last one delivered: end the query with \`ORDER BY ${written}\``,
    { keyColumn })];
}

/** `an api`, `a kafka`; a word without vowels is read letter by letter (`an mq`). */
function article(word: string): string {
  return (/[aeiou]/.test(word) ? /^[aeiou]/ : /^[aefhilmnorsx]/).test(word) ? 'an' : 'a';
}

function compare(a: bigint | number, b: bigint | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
