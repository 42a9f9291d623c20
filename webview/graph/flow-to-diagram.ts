// Flow model -> diagram model: the nodes and edges to draw, ghosts for unknown names, kinds, in flow/graph.ts' topological order.
import { resolveFlowGraph, topologicalOrder, type GraphLink } from '../../flow/graph';
import type { FlowModel } from '../../flow/model';
import { flowSchema, type FlowSchema } from '../../flow/schema';
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

/** `root`: the flow schema whose component types are known (default: the shipped one). */
export function flowToDiagram(model: FlowModel, root: FlowSchema = flowSchema): DiagramModel {
  const graph = resolveFlowGraph(model, root);
  const known = new Set(graph.types.names);
  const names = new Set(model.components.map((c) => c.name));
  const edges: DiagramEdge[] = [];
  const links: GraphLink[] = [];
  for (const { connection, kind } of graph.connections) {
    const { from, to } = connection;
    if (from === undefined || to === undefined) continue;
    // An end that names no component is drawn as a ghost, after the components.
    names.add(from).add(to);
    links.push([from, to]);
    edges.push({ id: `e:${connection.index}`, index: connection.index, source: nodeId(from), target: nodeId(to), label: kind ?? '?' });
  }
  const nodes = topologicalOrder([...names], links, 'document').map((name, position): DiagramNode => {
    const component = graph.components.get(name);
    const type = component?.type !== undefined && known.has(component.type) ? component.type : undefined;
    return {
      id: nodeId(name),
      name,
      type,
      keySetting: component ? keySetting(type, component.props, root) : undefined,
      references: component ? envReferences(component.props) : [],
      ghost: component === undefined,
      order: position,
    };
  });
  return { nodes, edges };
}
