// Paints run status, a traced path and the selection onto the rendered diagram.
import { deliveredText } from '../../protocol/delivery-wording';
import { durationText } from '../../protocol/duration-text';
import { NODE_RUN_STATES, type NodeMenuContext, type RunStatus, type TracePath } from '../../protocol/webview-messages';
import type { DiagramModel } from '../graph/flow-to-diagram';
import { nodeAriaLabel, type RenderedDiagram } from './render-diagram';

const STATE_CLASSES = NODE_RUN_STATES.map((state) => `status-${state}`);

function statusText(status: RunStatus['components'][string], dryRun: boolean): string {
  const parts: string[] = [status.state];
  if (status.processed > 0) parts.push(dryRun ? deliveredText(status.processed, true) : `${status.processed} ok`);
  if (status.retries > 0) parts.push(`${status.retries} retried`);
  if (status.parked > 0) parts.push(`${status.parked} parked`);
  return parts.join(' · ');
}

function edgeText(status: RunStatus | undefined, index: number): string {
  const moved = status?.moved[index];
  const parked = status?.parked?.[index] ?? 0;
  if (moved === undefined && parked === 0) return '';
  const text = status?.dryRun ? deliveredText(moved ?? 0, true) : `${moved ?? 0} ${moved === 1 ? 'message' : 'messages'}`;
  return parked > 0 ? `${text} · ${parked} parked` : text;
}

export function paintStatus(rendered: RenderedDiagram, diagram: DiagramModel, status: RunStatus | undefined): void {
  for (const node of diagram.nodes) {
    const g = rendered.nodes.get(node.name);
    if (!g) continue;
    g.classList.remove(...STATE_CLASSES);
    const own = status?.components[node.name];
    const label = g.querySelector('.node-status');
    if (label) label.textContent = own ? statusText(own, status?.dryRun === true) : '';
    if (own) g.classList.add(`status-${own.state}`);
    g.dataset.status = own?.state ?? '';
    const context = JSON.parse(g.getAttribute('data-vscode-context') ?? '{}') as NodeMenuContext;
    g.setAttribute('data-vscode-context', JSON.stringify({ ...context, flowtracerState: own?.state }));
    g.setAttribute('aria-label', nodeAriaLabel(node, own ? statusText(own, status?.dryRun === true) : undefined));
  }
  for (const [index, g] of rendered.edges) {
    const count = g.querySelector('.edge-count');
    if (count) count.textContent = edgeText(status, index);
  }
}

/** What the painted diagram says: each node's status line and each edge's count, as the user reads them. */
export function paintedText(rendered: RenderedDiagram): { nodes: Record<string, string>; edges: Record<number, string> } {
  const nodes: Record<string, string> = {};
  const edges: Record<number, string> = {};
  for (const [name, g] of rendered.nodes) nodes[name] = g.querySelector('.node-status')?.textContent ?? '';
  for (const [index, g] of rendered.edges) edges[index] = g.querySelector('.edge-count')?.textContent ?? '';
  return { nodes, edges };
}

export function paintTrace(svg: SVGSVGElement, rendered: RenderedDiagram, path: TracePath | undefined): void {
  svg.classList.toggle('tracing', path !== undefined);
  const components = new Set(path?.components ?? []);
  const connections = new Set(path?.connections ?? []);
  for (const [name, g] of rendered.nodes) g.classList.toggle('traced', components.has(name));
  for (const [index, g] of rendered.edges) {
    const traced = connections.has(index);
    g.classList.toggle('traced', traced);
    g.querySelector('.edge-line')?.setAttribute('marker-end', traced ? 'url(#arrow-traced)' : 'url(#arrow)');
    const ms = traced ? path?.durations?.[index] : undefined;
    const duration = g.querySelector('.edge-duration');
    if (duration) duration.textContent = ms === undefined ? '' : durationText(ms);
  }
}

export function paintSelection(rendered: RenderedDiagram, component: string | undefined): SVGGElement | undefined {
  let selected: SVGGElement | undefined;
  for (const [name, g] of rendered.nodes) {
    const on = name === component;
    g.classList.toggle('selected', on);
    g.setAttribute('aria-pressed', String(on));
    if (on) selected = g;
  }
  return selected;
}
