// Flow model -> diagram model: the nodes and edges to draw, ghosts for unknown names, kinds, topological order.
import { COMPONENT_TYPES, inferKind, type FlowModel } from '../../flow/model';
import { envReferences, keySetting } from './key-setting';

export interface DiagramNode {
  /** Stable id used by the layout and the SVG: `n:` + component name. */
  readonly id: string;
  readonly name: string;
  /** A known component type, or undefined (unknown or missing type, or a ghost). */
  readonly type: string | undefined;
  readonly keySetting: string | undefined;
  /** The settings written with `${env:…}` references (`key: value`), which the label shows resolved to their defaults. */
  readonly references: readonly string[];
  /** Named by a connection but not defined in `components`. */
  readonly ghost: boolean;
  /** Position in topological order (ties and cycles resolved by document order). */
  readonly order: number;
}

export interface DiagramEdge {
  /** `e:` + the connection's index in the document. */
  readonly id: string;
  readonly index: number;
  readonly source: string;
  readonly target: string;
  /** The written kind, else the inferred one, else `?`. */
  readonly label: string;
}

export interface DiagramModel {
  /** In topological order. */
  readonly nodes: readonly DiagramNode[];
  readonly edges: readonly DiagramEdge[];
}

export const nodeId = (name: string): string => `n:${name}`;

export function flowToDiagram(model: FlowModel): DiagramModel {
  const known = new Set<string>(COMPONENT_TYPES);
  const byName = new Map(model.components.map((c) => [c.name, c]));
  const names = model.components.map((c) => c.name);
  const edges: DiagramEdge[] = [];
  for (const connection of model.connections) {
    const { from, to } = connection;
    if (from === undefined || to === undefined) continue;
    for (const end of [from, to]) {
      if (!byName.has(end) && !names.includes(end)) names.push(end);
    }
    const kind = connection.kind ?? inferKind(byName.get(from)?.type, byName.get(to)?.type) ?? '?';
    edges.push({ id: `e:${connection.index}`, index: connection.index, source: nodeId(from), target: nodeId(to), label: kind });
  }
  const order = topologicalOrder(names, edges.map((e) => [e.source.slice(2), e.target.slice(2)] as const));
  const nodes = order.map((name, position): DiagramNode => {
    const component = byName.get(name);
    const type = component?.type !== undefined && known.has(component.type) ? component.type : undefined;
    return {
      id: nodeId(name),
      name,
      type,
      keySetting: component ? keySetting(type, component.props) : undefined,
      references: component ? envReferences(component.props) : [],
      ghost: component === undefined,
      order: position,
    };
  });
  return { nodes, edges };
}

/** Kahn's algorithm; among ready nodes the earliest in the document goes first; a cycle is broken at its earliest node. */
export function topologicalOrder(names: readonly string[], links: readonly (readonly [string, string])[]): string[] {
  const incoming = new Map(names.map((n) => [n, 0]));
  const outgoing = new Map<string, string[]>(names.map((n) => [n, []]));
  for (const [from, to] of links) {
    if (from === to) continue;
    outgoing.get(from)?.push(to);
    incoming.set(to, (incoming.get(to) ?? 0) + 1);
  }
  const done = new Set<string>();
  const result: string[] = [];
  while (result.length < names.length) {
    let next = names.find((n) => !done.has(n) && incoming.get(n) === 0);
    // Only a cycle is left: take its earliest node.
    next ??= names.find((n) => !done.has(n));
    if (next === undefined) break;
    done.add(next);
    result.push(next);
    for (const to of outgoing.get(next) ?? []) incoming.set(to, (incoming.get(to) ?? 0) - 1);
  }
  return result;
}
