// Paints run status, a traced path and the selection onto the rendered diagram.
import type { NodeMenuContext, RunStatus, TracePath } from '../../protocol/webview-messages';
import type { DiagramModel } from '../graph/flow-to-diagram';
import { nodeAriaLabel, type RenderedDiagram } from './render-diagram';

const STATE_CLASSES = ['status-pending', 'status-running', 'status-succeeded', 'status-failed', 'status-blocked', 'status-retrying'];

function statusText(status: RunStatus['components'][string]): string {
  const parts: string[] = [status.state];
  if (status.processed > 0) parts.push(`${status.processed} ok`);
  if (status.retries > 0) parts.push(`${status.retries} retried`);
  if (status.parked > 0) parts.push(`${status.parked} parked`);
  return parts.join(' · ');
}

export function paintStatus(rendered: RenderedDiagram, diagram: DiagramModel, status: RunStatus | undefined): void {
  for (const node of diagram.nodes) {
    const g = rendered.nodes.get(node.name);
    if (!g) continue;
    g.classList.remove(...STATE_CLASSES);
    const own = status?.components[node.name];
    const label = g.querySelector('.node-status');
    if (label) label.textContent = own ? statusText(own) : '';
    if (own) g.classList.add(`status-${own.state}`);
    g.dataset.status = own?.state ?? '';
    const context = JSON.parse(g.getAttribute('data-vscode-context') ?? '{}') as NodeMenuContext;
    g.setAttribute('data-vscode-context', JSON.stringify({ ...context, flowtracerState: own?.state }));
    g.setAttribute('aria-label', nodeAriaLabel(node, own ? statusText(own) : undefined));
  }
  for (const [index, g] of rendered.edges) {
    const moved = status?.moved[index];
    const count = g.querySelector('.edge-count');
    if (count) count.textContent = moved === undefined ? '' : `${moved} ${moved === 1 ? 'message' : 'messages'}`;
  }
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
