// planRun: a checked flow -> the connections to run, in topological order, with what each waits for.
import { checkFlow, type FlowFileSystem } from '../flow/check';
import { DiagnosticSeverity, type Diagnostic } from '../flow/diagnostic';
import { didYouMean } from '../flow/did-you-mean';
import { resolveFlowGraph } from '../flow/graph';
import type { FlowComponent, FlowModel } from '../flow/model';
import type { ConnectionRef } from '../protocol/executor-events';

/** The flow has errors: nothing runs. Carries the diagnostics to print. */
export class PlanRefused extends Error {
  constructor(
    message: string,
    readonly diagnostics: readonly Diagnostic[] = [],
  ) {
    super(message);
    this.name = 'PlanRefused';
  }
}

export interface PlannedConnection {
  /** `From -> To` (with `#index` when the same pair is connected twice): how events and the journal name it. */
  readonly id: string;
  readonly index: number;
  readonly source: FlowComponent;
  readonly target: FlowComponent;
  readonly kind: string;
  readonly props: Readonly<Record<string, unknown>>;
  /**
   * Its source is a service or API fed by connections of this run: it reads their replies as they
   * come (an in-memory channel, journaled), running alongside them.
   */
  readonly fedBy: readonly string[];
  /** Connections that must finish (successfully) before this one starts; a failure among them blocks it. */
  readonly waitsFor: readonly string[];
}

/** A planned connection as events and the journal identify it: its label, index and ends. */
export function connectionRef(c: PlannedConnection): ConnectionRef {
  return { connection: c.id, connectionIndex: c.index, from: c.source.name, to: c.target.name };
}

export interface RunPlan {
  readonly flowId: string;
  readonly model: FlowModel;
  /** Components the planned connections touch, in topological order. */
  readonly components: readonly FlowComponent[];
  readonly connections: readonly PlannedConnection[];
}

export interface PlanOptions {
  readonly path?: string;
  readonly fs?: FlowFileSystem;
  /** Run only the connections delivering into this component (or, if none, reading from it). */
  readonly only?: string;
}

export function planRun(text: string, options: PlanOptions = {}): RunPlan {
  const { parsed, diagnostics } = checkFlow(text, { path: options.path, fs: options.fs });
  const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
  if (errors.length > 0) throw new PlanRefused(`the flow has ${errors.length} error${errors.length === 1 ? '' : 's'}; fix ${errors.length === 1 ? 'it' : 'them'} before running`, errors);
  const model = parsed.model;
  const graph = resolveFlowGraph(model);
  if (graph.cycles.length > 0) throw new PlanRefused(`the flow has a cycle (${graph.cycles[0]!.join(' -> ')}); a run needs an order`);
  const order = new Map(graph.order.map((name, i) => [name, i]));
  let resolved = graph.connections.filter((c) => c.source && c.target);
  if (options.only !== undefined) {
    const only = options.only;
    if (!graph.components.has(only)) {
      const guess = didYouMean(only, graph.components.keys());
      throw new PlanRefused(`--only ${only}: the flow has no component '${only}'${guess ? `; did you mean '${guess}'?` : ''}`);
    }
    const into = resolved.filter((c) => c.target!.name === only);
    resolved = into.length > 0 ? into : resolved.filter((c) => c.source!.name === only);
  }
  const sorted = [...resolved].sort((a, b) => order.get(a.source!.name)! - order.get(b.source!.name)! || a.connection.index - b.connection.index);
  const pairCount = new Map<string, number>();
  for (const c of sorted) pairCount.set(`${c.source!.name}>${c.target!.name}`, (pairCount.get(`${c.source!.name}>${c.target!.name}`) ?? 0) + 1);
  const idOf = (c: (typeof sorted)[number]): string => {
    const label = `${c.source!.name} -> ${c.target!.name}`;
    return pairCount.get(`${c.source!.name}>${c.target!.name}`)! > 1 ? `${label} #${c.connection.index}` : label;
  };
  const connections = sorted.map((c): PlannedConnection => {
    const upstream = sorted.filter((u) => u.target!.name === c.source!.name).map(idOf);
    // A processor (service, api) fed by a connection streams what it returns on; any other source is read once its feeders are done.
    const streamed = graph.types.facts(c.source!.type)?.family === 'processor' && upstream.length > 0;
    return {
      id: idOf(c),
      index: c.connection.index,
      source: c.source!,
      target: c.target!,
      kind: c.kind ?? 'processing',
      props: c.connection.props,
      fedBy: streamed ? upstream : [],
      waitsFor: streamed ? [] : upstream,
    };
  });
  const names = new Set(connections.flatMap((c) => [c.source.name, c.target.name]));
  const components = graph.order.filter((n) => names.has(n)).map((n) => graph.components.get(n)!);
  return { flowId: model.id ?? 'flow', model, components, connections };
}

/** Connections that cannot run because `failed` did not finish: transitively, through waits and feeds. */
export function blockedBy(plan: RunPlan, failed: ReadonlySet<string>): Set<string> {
  const blocked = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const c of plan.connections) {
      if (blocked.has(c.id)) continue;
      if (c.waitsFor.some((w) => failed.has(w) || blocked.has(w))) {
        blocked.add(c.id);
        grew = true;
      }
    }
  }
  return blocked;
}
