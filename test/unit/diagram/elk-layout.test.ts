// ELK lays the diagram out left to right in topological order with no overlaps (real elkjs, in Node).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ELK from 'elkjs';
import { parseFlow } from '../../../flow/parse';
import { generateFlow } from '../../../bench/diagram/generate-flow';
import { columnLayout } from '../../../webview/graph/column-layout';
import { flowToDiagram, type DiagramModel } from '../../../webview/graph/flow-to-diagram';
import { diagramToElk, layoutKey } from '../../../webview/graph/flow-to-elk';
import { layoutDiagram } from '../../../webview/graph/layout-diagram';
import { medianShift } from '../../../webview/graph/layout-shift';
import type { Box, PositionedDiagram } from '../../../webview/graph/positioned';

const orderProcessing = readFileSync(join(__dirname, 'fixtures/order-processing.flow.yaml'), 'utf8');
const diagramOf = (text: string) => flowToDiagram(parseFlow(text).model);
const elk = new ELK();

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function assertNoOverlaps(positions: PositionedDiagram): void {
  const boxes = [...positions.nodes.entries()];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      assert.ok(!overlaps(boxes[i]![1], boxes[j]![1]), `${boxes[i]![0]} overlaps ${boxes[j]![0]}`);
    }
  }
}

function assertLeftToRight(diagram: DiagramModel, positions: PositionedDiagram): void {
  for (const edge of diagram.edges) {
    const source = positions.nodes.get(edge.source)!;
    const target = positions.nodes.get(edge.target)!;
    assert.ok(source.x + source.width < target.x, `${edge.source} is not left of ${edge.target}`);
  }
}

function assertEdgesAttach(diagram: DiagramModel, positions: PositionedDiagram): void {
  for (const edge of diagram.edges) {
    const source = positions.nodes.get(edge.source)!;
    const target = positions.nodes.get(edge.target)!;
    const points = positions.edges.get(edge.id)!.points;
    const start = points[0]!;
    const end = points[points.length - 1]!;
    assert.ok(Math.abs(start.x - (source.x + source.width)) <= 1.5 && start.y >= source.y && start.y <= source.y + source.height, `${edge.id} leaves ${edge.source}`);
    assert.ok(Math.abs(end.x - target.x) <= 1.5 && end.y >= target.y && end.y <= target.y + target.height, `${edge.id} enters ${edge.target}`);
  }
}

describe('ELK layout of the diagram', () => {
  it('builds graph JSON with an input and an output port per node and a labelled edge per connection', () => {
    const graph = diagramToElk(diagramOf(orderProcessing));
    assert.equal(graph.layoutOptions?.['elk.algorithm'], 'layered');
    assert.equal(graph.layoutOptions?.['elk.direction'], 'RIGHT');
    assert.deepEqual(graph.children?.[0]?.ports?.map((p) => [p.id, p.layoutOptions?.['elk.port.side']]), [
      ['n:OrderTopic:in', 'WEST'],
      ['n:OrderTopic:out', 'EAST'],
    ]);
    assert.deepEqual(graph.edges?.map((e) => [e.sources[0], e.targets[0], e.labels?.[0]?.text]), [
      ['n:OrderTopic:out', 'n:OrderQueue:in', 'kafka-to-mq'],
      ['n:OrderQueue:out', 'n:OrderService:in', 'processing'],
      ['n:OrderService:out', 'n:OrderDB:in', 'db'],
      ['n:OrderService:out', 'n:StatusAPI:in', 'processing'],
    ]);
  });

  it('places the order-processing flow left to right in topological order, edges on their ports', async () => {
    const diagram = diagramOf(orderProcessing);
    const positions = await layoutDiagram(elk, diagram);
    const xs = diagram.nodes.map((n) => positions.nodes.get(n.id)!.x);
    assert.deepEqual(xs.slice(0, 4), [...xs.slice(0, 4)].sort((a, b) => a - b));
    assert.equal(xs[3], xs[4], 'OrderDB and StatusAPI share the last layer');
    assertLeftToRight(diagram, positions);
    assertNoOverlaps(positions);
    assertEdgesAttach(diagram, positions);
  });

  // NETWORK_SIMPLEX is the slow reference (seconds at 300 nodes), so it gets the smaller graph.
  for (const [placement, size] of [['BRANDES_KOEPF', 300], ['NETWORK_SIMPLEX', 100]] as const) {
    it(`lays out ${size} generated components without overlaps using ${placement}`, async function () {
      this.timeout(120_000);
      const diagram = diagramOf(generateFlow(size));
      const positions = await layoutDiagram(elk, diagram, placement);
      assert.equal(positions.nodes.size, size);
      assertLeftToRight(diagram, positions);
      assertNoOverlaps(positions);
      assertEdgesAttach(diagram, positions);
    });
  }

  it('keeps the layout key when only a value changes, so the drawing keeps every position', () => {
    const before = layoutKey(diagramOf(orderProcessing));
    const after = layoutKey(diagramOf(orderProcessing.replace('topic: orders', 'topic: orders-v2')));
    const added = layoutKey(diagramOf(`${orderProcessing}  - from: OrderTopic\n    to: OrderDB\n`));
    assert.equal(after, before);
    assert.notEqual(added, before);
  });

  it('arranges a flow in columns without overlaps when ELK runs past its budget', () => {
    const diagram = diagramOf(generateFlow(120));
    const positions = columnLayout(diagram);
    assertNoOverlaps(positions);
    assertLeftToRight(diagram, positions);
  });
});

describe('following a new layout', () => {
  it('finds the median shift of the nodes both layouts share, ignoring new ones and outliers', () => {
    const box = (x: number, y: number) => ({ x, y, width: 10, height: 10 });
    const before = { width: 0, height: 0, edges: new Map(), nodes: new Map([['a', box(0, 0)], ['b', box(100, 0)], ['c', box(200, 50)]]) };
    const after = { width: 0, height: 0, edges: new Map(), nodes: new Map([['a', box(0, 40)], ['b', box(100, 40)], ['c', box(300, 0)], ['new', box(0, 0)]]) };
    assert.deepEqual(medianShift(before, after), { dx: 0, dy: 40 });
    assert.equal(medianShift(before, { ...after, nodes: new Map([['new', box(0, 0)]]) }), undefined);
  });
});

describe('relayout after an edit', () => {
  const movedAfterShift = (before: PositionedDiagram, after: PositionedDiagram) => {
    const shift = medianShift(before, after)!;
    return [...after.nodes].filter(([id, box]) => {
      const was = before.nodes.get(id);
      return was !== undefined && (Math.abs(box.x - shift.dx - was.x) > 0.5 || Math.abs(box.y - shift.dy - was.y) > 0.5);
    }).length;
  };

  it('moves fewer nodes with the previous positions as hints than a fresh layout, without overlaps', async () => {
    const flow = generateFlow(50);
    const before = await layoutDiagram(elk, diagramOf(flow));
    const edited = diagramOf(`${flow}  - from: C0049Service\n    to: Audit\n`);
    const fresh = await layoutDiagram(elk, edited);
    const hinted = await layoutDiagram(elk, edited, undefined, before.nodes);
    assert.ok(movedAfterShift(before, hinted) < movedAfterShift(before, fresh) / 2,
      `hinted ${movedAfterShift(before, hinted)}, fresh ${movedAfterShift(before, fresh)}`);
    assertNoOverlaps(hinted);
    assertLeftToRight(edited, hinted);
    assertEdgesAttach(edited, hinted);
  });
});
