// Diagram model -> ELK graph JSON (pure): sized nodes with an input and an output port, labelled edges.
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { DiagramModel } from './flow-to-diagram';
import type { Box } from './positioned';
import {
  EDGE_LABEL_CHAR_WIDTH,
  EDGE_LABEL_HEIGHT,
  graphLayoutOptions,
  NODE_HEIGHT,
  NODE_WIDTH,
  nodeLayoutOptions,
  portLayoutOptions,
  semiInteractiveLayoutOptions,
  type NodePlacement,
} from './layout-options';

const inPort = (nodeId: string): string => `${nodeId}:in`;
const outPort = (nodeId: string): string => `${nodeId}:out`;

export function edgeLabelWidth(label: string): number {
  return Math.ceil(label.length * EDGE_LABEL_CHAR_WIDTH) + 8;
}

/**
 * With the `previous` positions of the drawing being edited, ELK keeps the previous order of the
 * nodes within each layer (semi-interactive crossing minimisation): measured on one-line edits of
 * a 50-node flow it moves about half as many nodes as a fresh layout (bench:diagram prints it).
 */
export function diagramToElk(diagram: DiagramModel, placement?: NodePlacement, previous?: ReadonlyMap<string, Box>): ElkNode {
  const children: ElkNode[] = diagram.nodes.map((node) => ({
    id: node.id,
    width: NODE_WIDTH,
    height: NODE_HEIGHT,
    layoutOptions: nodeLayoutOptions(previous?.get(node.id)),
    ports: [
      { id: inPort(node.id), width: 1, height: 1, layoutOptions: portLayoutOptions('WEST') },
      { id: outPort(node.id), width: 1, height: 1, layoutOptions: portLayoutOptions('EAST') },
    ],
  }));
  const edges: ElkExtendedEdge[] = diagram.edges.map((edge) => ({
    id: edge.id,
    sources: [outPort(edge.source)],
    targets: [inPort(edge.target)],
    labels: [{ id: `${edge.id}:label`, text: edge.label, width: edgeLabelWidth(edge.label), height: EDGE_LABEL_HEIGHT }],
  }));
  const layoutOptions = { ...graphLayoutOptions(placement, children.length), ...(previous ? semiInteractiveLayoutOptions() : {}) };
  return { id: 'root', layoutOptions, children, edges };
}

/** A string that changes exactly when the layout input changes (nodes, edges, label sizes). */
export function layoutKey(diagram: DiagramModel): string {
  const nodes = diagram.nodes.map((n) => n.id).join('\u0000');
  const edges = diagram.edges.map((e) => `${e.source}>${e.target}:${edgeLabelWidth(e.label)}`).join('\u0000');
  return `${nodes}\u0001${edges}`;
}
