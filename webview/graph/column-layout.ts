// A simple arrangement used when ELK runs past its time budget: columns by longest path, rows by order (pure).
import type { DiagramModel } from './flow-to-diagram';
import { NODE_HEIGHT, NODE_WIDTH } from './layout-options';
import type { Box, PositionedDiagram, PositionedEdge } from './positioned';

const COLUMN_GAP = 120;
const ROW_GAP = 28;
const PADDING = 24;

export function columnLayout(diagram: DiagramModel): PositionedDiagram {
  const column = new Map(diagram.nodes.map((n) => [n.id, 0]));
  const order = new Map(diagram.nodes.map((n) => [n.id, n.order]));
  // Nodes come in topological order, so one pass over edges sorted by source order settles the columns.
  const forward = diagram.edges.filter((e) => (order.get(e.source) ?? 0) < (order.get(e.target) ?? 0));
  forward.sort((a, b) => (order.get(a.source) ?? 0) - (order.get(b.source) ?? 0));
  for (const edge of forward) {
    column.set(edge.target, Math.max(column.get(edge.target) ?? 0, (column.get(edge.source) ?? 0) + 1));
  }
  const rows = new Map<number, number>();
  const nodes = new Map<string, Box>();
  for (const node of diagram.nodes) {
    const c = column.get(node.id) ?? 0;
    const r = rows.get(c) ?? 0;
    rows.set(c, r + 1);
    nodes.set(node.id, { x: PADDING + c * (NODE_WIDTH + COLUMN_GAP), y: PADDING + r * (NODE_HEIGHT + ROW_GAP), width: NODE_WIDTH, height: NODE_HEIGHT });
  }
  const edges = new Map<string, PositionedEdge>();
  for (const edge of diagram.edges) {
    const s = nodes.get(edge.source);
    const t = nodes.get(edge.target);
    if (!s || !t) continue;
    const start = { x: s.x + s.width, y: s.y + s.height / 2 };
    const end = { x: t.x, y: t.y + t.height / 2 };
    const midX = (start.x + end.x) / 2;
    edges.set(edge.id, { points: [start, { x: midX, y: start.y }, { x: midX, y: end.y }, end], label: undefined });
  }
  const width = Math.max(0, ...[...nodes.values()].map((b) => b.x + b.width)) + PADDING;
  const height = Math.max(0, ...[...nodes.values()].map((b) => b.y + b.height)) + PADDING;
  return { width, height, nodes, edges };
}
