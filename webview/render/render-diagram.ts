// Renders a positioned diagram as SVG nodes and edges, every name and value set as text.
import type { NodeMenuContext } from '../../protocol/webview-messages';
import type { DiagramModel, DiagramNode } from '../graph/flow-to-diagram';
import type { PositionedDiagram, Point } from '../graph/positioned';
import { iconId } from './icons';
import { clip, svgElement } from './svg-dom';

const NAME_CHARS = 24;
const SETTING_CHARS = 30;

export interface RenderedDiagram {
  readonly nodes: ReadonlyMap<string, SVGGElement>;
  readonly edges: ReadonlyMap<number, SVGGElement>;
}

export function nodeAriaLabel(node: DiagramNode, status?: string): string {
  const what = node.ghost ? 'undefined component' : (node.type ?? 'component of unknown type');
  return [node.name, what, node.keySetting, status].filter((part) => part !== undefined && part !== '').join(', ');
}

function pathOf(points: readonly Point[]): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x} ${p.y}`).join('');
}

function renderNode(node: DiagramNode, box: { x: number; y: number; width: number; height: number }, uri: string): SVGGElement {
  const classes = ['node', `type-${node.type ?? 'unknown'}`];
  if (node.ghost) classes.push('ghost');
  const context: NodeMenuContext = {
    webviewSection: 'flowtracer.node',
    flowtracerComponent: node.name,
    flowtracerUri: uri,
    ...(node.type ? { flowtracerType: node.type } : {}),
    preventDefaultContextMenuItems: true,
  };
  const g = svgElement('g', {
    class: classes.join(' '),
    transform: `translate(${box.x} ${box.y})`,
    tabindex: 0,
    role: 'button',
    'aria-label': nodeAriaLabel(node),
    'data-id': node.id,
    'data-vscode-context': JSON.stringify(context),
  });
  g.dataset.component = node.name;
  g.append(
    svgElement('title', {}, node.ghost ? `${node.name} (not defined in components)` : [node.name, ...node.references].join('\n')),
    svgElement('rect', { class: 'node-box', width: box.width, height: box.height, rx: 6 }),
    svgElement('rect', { class: 'node-accent', width: 4, height: box.height - 12, x: 0, y: 6, rx: 2 }),
    svgElement('use', { class: 'node-icon', href: `#${iconId(node.type)}`, x: 14, y: 9, width: 18, height: 18 }),
    svgElement('text', { class: 'node-name', x: 40, y: 23 }, clip(node.name, NAME_CHARS)),
    svgElement('text', { class: 'node-setting', x: 14, y: 43 },
      clip(node.ghost ? 'not defined' : (node.keySetting ?? node.type ?? 'no type'), SETTING_CHARS)),
    svgElement('circle', { class: 'node-status-dot', cx: 18, cy: 58, r: 3.5 }),
    svgElement('text', { class: 'node-status', x: 27, y: 62 }),
  );
  // The output port: dragging from it to another node connects the two (the visual builder).
  if (!node.ghost) g.append(svgElement('circle', { class: 'node-port', cx: box.width, cy: box.height / 2, r: 6 }));
  return g;
}

export function renderDiagram(
  layer: { edges: SVGGElement; nodes: SVGGElement },
  diagram: DiagramModel,
  positions: PositionedDiagram,
  uri: string,
): RenderedDiagram {
  const nodes = new Map<string, SVGGElement>();
  const edges = new Map<number, SVGGElement>();
  const edgeElements: SVGGElement[] = [];
  for (const edge of diagram.edges) {
    const route = positions.edges.get(edge.id);
    if (!route || route.points.length < 2) continue;
    const g = svgElement('g', { class: 'edge', 'data-id': edge.id, 'data-source': edge.source, 'data-target': edge.target });
    g.dataset.kind = edge.label;
    g.dataset.index = String(edge.index);
    g.append(svgElement('path', { class: 'edge-line', d: pathOf(route.points), 'marker-end': 'url(#arrow)' }));
    const label = route.label;
    const at = label ?? { x: (route.points[0]!.x + route.points[1]!.x) / 2, y: route.points[0]!.y - 14, width: 0, height: 12 };
    const text = svgElement('text', { class: 'edge-label', x: at.x + at.width / 2, y: at.y + at.height - 4, 'text-anchor': 'middle' }, edge.label);
    const count = svgElement('text', { class: 'edge-count', x: at.x + at.width / 2, y: at.y + at.height + 9, 'text-anchor': 'middle' });
    // A traced message's time on this hop (paintTrace fills it).
    const duration = svgElement('text', { class: 'edge-duration', x: at.x + at.width / 2, y: at.y + at.height + 21, 'text-anchor': 'middle' });
    g.append(text, count, duration);
    edges.set(edge.index, g);
    edgeElements.push(g);
  }
  const nodeElements: SVGGElement[] = [];
  for (const node of diagram.nodes) {
    const box = positions.nodes.get(node.id);
    if (!box) continue;
    const g = renderNode(node, box, uri);
    nodes.set(node.name, g);
    nodeElements.push(g);
  }
  layer.edges.replaceChildren(...edgeElements);
  layer.nodes.replaceChildren(...nodeElements);
  return { nodes, edges };
}
