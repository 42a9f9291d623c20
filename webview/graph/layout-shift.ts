// How far a new layout moved the nodes it shares with the previous one (the median shift), so the view can follow it.
import type { PositionedDiagram } from './positioned';

export interface Shift {
  readonly dx: number;
  readonly dy: number;
}

function median(values: number[]): number {
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)] ?? 0;
}

/**
 * ELK recentres a whole layout when one edge is added, so most nodes move by the same amount;
 * panning the view by that median shift keeps them still on screen (measured by bench:diagram).
 */
export function medianShift(previous: PositionedDiagram, next: PositionedDiagram): Shift | undefined {
  const dxs: number[] = [];
  const dys: number[] = [];
  for (const [id, box] of next.nodes) {
    const before = previous.nodes.get(id);
    if (!before) continue;
    dxs.push(box.x - before.x);
    dys.push(box.y - before.y);
  }
  return dxs.length === 0 ? undefined : { dx: median(dxs), dy: median(dys) };
}
