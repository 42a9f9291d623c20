// Checks of the flow's graph: unknown and self connections, written kinds, cycles, unconnected components.
import { didYouMean } from './did-you-mean';
import { type Diagnostic, DiagnosticSeverity, makeDiagnostic } from './diagnostic';
import type { FlowGraph } from './graph';
import type { TextSpan } from './model';
import type { ParsedFlow } from './parse';
import { valueSpanAt } from './yaml-path';

export function checkGraph(parsed: ParsedFlow, graph: FlowGraph): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const { lines } = parsed;
  const error = (span: TextSpan, code: string, message: string, data?: unknown) =>
    diagnostics.push(makeDiagnostic(lines, span, DiagnosticSeverity.Error, code, message, data));
  const connected = new Set<string>();
  const names = [...graph.components.keys()];
  const cycleOf = new Map<string, readonly string[]>();
  for (const members of graph.cycles) for (const name of members) cycleOf.set(name, members);

  for (const resolved of graph.connections) {
    const { connection, source, target } = resolved;
    for (const [end, name, span, component] of [
      ['from', connection.from, connection.fromSpan, source],
      ['to', connection.to, connection.toSpan, target],
    ] as const) {
      if (name === undefined || !span) continue;
      if (component) {
        connected.add(name);
        continue;
      }
      const suggestion = didYouMean(name, names);
      const hint = suggestion ? `; did you mean \`${suggestion}\`?` : '';
      error(span, 'unknown-component', `unknown component \`${name}\` in \`${end}\`${hint}`, suggestion ? { name, suggestion } : { name });
    }
    if (source && target && source === target && connection.toSpan) {
      error(connection.toSpan, 'self-connection', `\`${source.name}\` is connected to itself; a connection needs two different components`, { name: source.name });
    }
    if (resolved.inferredKind && connection.kind && connection.kind !== resolved.inferredKind && graph.types.kinds.includes(connection.kind)) {
      const span = valueSpanAt(parsed.document, ['connections', connection.index, 'kind']);
      if (span) {
        error(span, 'kind-mismatch',
          `kind \`${connection.kind}\` contradicts the components: ${source!.type} \`${source!.name}\` to ${target!.type} \`${target!.name}\` is \`${resolved.inferredKind}\``,
          { inferredKind: resolved.inferredKind, writtenKind: connection.kind });
      }
    }
    const members = source && target && source !== target ? cycleOf.get(source.name) : undefined;
    if (members && members.includes(target!.name) && connection.toSpan) {
      error(connection.toSpan, 'cycle', `this connection closes a cycle through ${members.map((m) => `\`${m}\``).join(', ')}; a run needs connections without cycles`,
        { members });
    }
  }
  for (const component of graph.components.values()) {
    if (connected.has(component.name) || graph.components.size < 2) continue;
    diagnostics.push(makeDiagnostic(lines, component.nameSpan, DiagnosticSeverity.Warning, 'unconnected-component',
      `component \`${component.name}\` is not connected to anything`, { name: component.name }));
  }
  return diagnostics;
}
