// Lays a diagram model out with a given ELK instance (a worker in the webview, elkjs directly in Node tests).
import type { ELK } from 'elkjs/lib/elk-api';
import type { DiagramModel } from './flow-to-diagram';
import { diagramToElk } from './flow-to-elk';
import type { NodePlacement } from './layout-options';
import { positionsOf, type Box, type PositionedDiagram } from './positioned';

export async function layoutDiagram(
  elk: Pick<ELK, 'layout'>,
  diagram: DiagramModel,
  placement?: NodePlacement,
  previous?: ReadonlyMap<string, Box>,
): Promise<PositionedDiagram> {
  return positionsOf(await elk.layout(diagramToElk(diagram, placement, previous)));
}
