// ELK's laid-out graph -> plain positions for the renderer (pure).
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface PositionedEdge {
  /** The route from source to target, bend points included. */
  readonly points: readonly Point[];
  readonly label: Box | undefined;
}

export interface PositionedDiagram {
  readonly width: number;
  readonly height: number;
  readonly nodes: ReadonlyMap<string, Box>;
  readonly edges: ReadonlyMap<string, PositionedEdge>;
}

export function positionsOf(laidOut: ElkNode): PositionedDiagram {
  const nodes = new Map<string, Box>();
  for (const child of laidOut.children ?? []) {
    nodes.set(child.id, { x: child.x ?? 0, y: child.y ?? 0, width: child.width ?? 0, height: child.height ?? 0 });
  }
  const edges = new Map<string, PositionedEdge>();
  for (const edge of (laidOut.edges ?? []) as ElkExtendedEdge[]) {
    const points: Point[] = [];
    for (const section of edge.sections ?? []) {
      points.push(section.startPoint, ...(section.bendPoints ?? []), section.endPoint);
    }
    const label = edge.labels?.[0];
    edges.set(edge.id, {
      points: points.map((p) => ({ x: p.x, y: p.y })),
      label: label ? { x: label.x ?? 0, y: label.y ?? 0, width: label.width ?? 0, height: label.height ?? 0 } : undefined,
    });
  }
  return { width: laidOut.width ?? 0, height: laidOut.height ?? 0, nodes, edges };
}
