// The diagram view: parses each flow text, lays it out (reusing positions when the shape is unchanged), draws and paints it.
import { parseFlow } from '../flow/parse';
import type { DiagramViewState, RunStatus, TracePath, WebviewToHost } from '../protocol/webview-messages';
import { Builder } from './builder/builder';
import { flowToDiagram, type DiagramModel } from './graph/flow-to-diagram';
import { layoutKey } from './graph/flow-to-elk';
import { medianShift } from './graph/layout-shift';
import type { Box, PositionedDiagram } from './graph/positioned';
import { diagramDefs } from './render/icons';
import { paintedText, paintSelection, paintStatus, paintTrace } from './render/paint-status';
import { renderDiagram, type RenderedDiagram } from './render/render-diagram';
import { svgElement } from './render/svg-dom';
import { exportSvg, svgToPng } from './view/export-image';
import { Minimap } from './view/minimap';
import { buildToolbar } from './view/toolbar';
import { READABLE_ZOOM, Viewport } from './view/viewport';

/** Flows up to this many components are fitted at a zoom where their text can be read. */
const READABLE_FIT_MAX_NODES = 30;

export interface FlowText {
  readonly uri: string;
  readonly version: number;
  readonly text: string;
  /** `performance.now()` when the message arrived. */
  readonly receivedAt: number;
}

export interface DiagramHost {
  postMessage(message: WebviewToHost): void;
  setState(state: DiagramViewState): void;
}

/** Lays a diagram out; `previous` positions (of the drawing being edited) keep nodes in their order. */
export type LayoutFunction = (diagram: DiagramModel, previous?: ReadonlyMap<string, Box>) => Promise<PositionedDiagram>;

export class DiagramView {
  private readonly svg: SVGSVGElement;
  private readonly layers: { edges: SVGGElement; nodes: SVGGElement };
  private readonly notice: HTMLElement;
  private readonly viewport: Viewport;
  private readonly minimap: Minimap;
  private readonly builder: Builder;
  private uri = '';
  private diagram: DiagramModel = { nodes: [], edges: [] };
  private positions: PositionedDiagram | undefined;
  private key = '';
  private rendered: RenderedDiagram = { nodes: new Map(), edges: new Map() };
  private status: RunStatus | undefined;
  private trace: TracePath | undefined;
  private selected: string | undefined;
  private pending: FlowText | undefined;
  private drawing = false;

  constructor(root: HTMLElement, private readonly host: DiagramHost, private readonly layout: LayoutFunction, private restored: DiagramViewState | undefined) {
    this.svg = svgElement('svg', { class: 'canvas', role: 'group', 'aria-label': 'Flow diagram' });
    const viewportLayer = svgElement('g', { class: 'viewport' });
    this.layers = { edges: svgElement('g', { class: 'edges' }), nodes: svgElement('g', { class: 'nodes' }) };
    viewportLayer.append(this.layers.edges, this.layers.nodes);
    this.svg.append(diagramDefs(), viewportLayer);
    this.viewport = new Viewport(this.svg, viewportLayer);
    this.minimap = new Minimap(this.viewport);
    this.notice = document.createElement('div');
    this.notice.className = 'notice';
    this.notice.setAttribute('role', 'status');
    const toolbar = buildToolbar({
      zoomIn: () => this.viewport.zoomBy(1.25),
      zoomOut: () => this.viewport.zoomBy(0.8),
      fit: () => this.fit(),
      exportSvg: () => this.export('svg'),
      exportPng: () => this.export('png'),
    });
    this.builder = new Builder(host, this.svg, () => this.selected);
    root.replaceChildren(toolbar, this.builder.element, ...this.builder.overlays, this.notice, this.svg, this.minimap.element);
    this.viewport.onChange((view) => this.host.setState({ uri: this.uri, ...view }));
    this.wireInput();
  }

  /** Draws the newest text; texts that arrive while a layout runs replace each other (latest wins). */
  async showFlow(flow: FlowText): Promise<void> {
    this.pending = flow;
    if (this.drawing) return;
    this.drawing = true;
    try {
      while (this.pending) {
        const next = this.pending;
        this.pending = undefined;
        await this.draw(next);
      }
    } finally {
      this.drawing = false;
    }
  }

  /** Shows why the host refused an edit request. */
  showRefusal(reason: string): void {
    this.builder.showRefusal(reason);
  }

  showStatus(status: RunStatus | undefined): void {
    this.status = status;
    paintStatus(this.rendered, this.diagram, status);
    this.host.postMessage({ type: 'statusPainted', runId: status?.runId, ...paintedText(this.rendered) });
  }

  showTrace(path: TracePath | undefined): void {
    this.trace = path;
    paintTrace(this.svg, this.rendered, path);
  }

  select(component: string | undefined): void {
    this.selected = component;
    const g = paintSelection(this.rendered, component);
    const box = component === undefined ? undefined : this.positions?.nodes.get(`n:${component}`);
    if (g && box) this.viewport.reveal(box);
  }

  private async draw(flow: FlowText): Promise<void> {
    const parsed = parseFlow(flow.text);
    this.builder.setText(flow.text);
    const diagram = flowToDiagram(parsed.model);
    const parsedAt = performance.now();
    const key = layoutKey(diagram);
    const reusedLayout = key === this.key && this.positions !== undefined;
    let positions = this.positions;
    if (!reusedLayout || !positions) {
      try {
        positions = await this.layout(diagram, this.positions?.nodes);
      } catch (error) {
        this.host.postMessage({ type: 'error', message: (error as Error).message });
        return;
      }
    }
    const laidOutAt = performance.now();
    // A newer text arrived during the layout: skip drawing this one.
    if (this.pending) return;
    const previous = this.positions;
    const firstDrawing = previous === undefined;
    this.uri = flow.uri;
    this.diagram = diagram;
    this.positions = positions;
    this.key = key;
    this.rendered = renderDiagram(this.layers, diagram, positions, flow.uri);
    paintStatus(this.rendered, diagram, this.status);
    if (this.status) this.host.postMessage({ type: 'statusPainted', runId: this.status.runId, ...paintedText(this.rendered) });
    paintTrace(this.svg, this.rendered, this.trace);
    paintSelection(this.rendered, this.selected);
    this.viewport.setContentSize(positions.width, positions.height);
    if (firstDrawing) this.restoreOrFit(flow.uri);
    // A fitted view is fitted again to the new layout (an added node is not left outside); one the user moved follows the shift.
    else if (!reusedLayout && this.viewport.isFitted) this.fit();
    else if (!reusedLayout) this.followShift(previous, positions);
    this.minimap.update(positions);
    this.showNotice(parsed.yamlDiagnostics.length, diagram);
    this.svg.dataset.version = String(flow.version);
    const done = performance.now();
    this.host.postMessage({
      type: 'rendered',
      version: flow.version,
      nodes: diagram.nodes.length,
      edges: this.rendered.edges.size,
      reusedLayout,
      timings: { parse: parsedAt - flow.receivedAt, layout: laidOutAt - parsedAt, render: done - laidOutAt, total: done - flow.receivedAt },
    });
  }

  /** Pans by the new layout's median shift so that the nodes an edit did not touch stay where they were on screen. */
  private followShift(previous: PositionedDiagram, next: PositionedDiagram): void {
    const shift = medianShift(previous, next);
    const { zoom } = this.viewport.transform;
    if (shift && (shift.dx !== 0 || shift.dy !== 0)) this.viewport.panBy(-shift.dx * zoom, -shift.dy * zoom);
  }

  private restoreOrFit(uri: string): void {
    const saved = this.restored;
    this.restored = undefined;
    if (saved && saved.uri === uri) this.viewport.set(saved);
    else this.fit();
  }

  /** Small flows are fitted no smaller than readable (the rest scrolls); large ones are fitted whole. */
  private fit(): void {
    this.viewport.fit(this.diagram.nodes.length <= READABLE_FIT_MAX_NODES ? READABLE_ZOOM : undefined);
  }

  private showNotice(yamlProblems: number, diagram: DiagramModel): void {
    const ghosts = diagram.nodes.filter((n) => n.ghost).length;
    const parts: string[] = [];
    if (diagram.nodes.length === 0) parts.push('No components to draw yet.');
    if (yamlProblems > 0) parts.push(`The YAML has ${yamlProblems} problem${yamlProblems === 1 ? '' : 's'}; the diagram shows what could be read.`);
    if (ghosts > 0) parts.push(`${ghosts} connection end${ghosts === 1 ? ' names a component' : 's name components'} not defined (dashed).`);
    this.notice.textContent = parts.join(' ');
    this.notice.classList.toggle('hidden', parts.length === 0);
  }

  private reveal(component: string): void {
    this.select(component);
    this.host.postMessage({ type: 'reveal', component });
  }

  private wireInput(): void {
    const componentOf = (event: Event) => (event.target as Element | null)?.closest<SVGGElement>('.node')?.dataset.component;
    this.layers.nodes.addEventListener('click', (event) => {
      const component = componentOf(event);
      if (component !== undefined) this.reveal(component);
    });
    this.layers.nodes.addEventListener('keydown', (event) => {
      const component = componentOf(event);
      if (component !== undefined && (event.key === 'Enter' || event.key === ' ')) {
        event.preventDefault();
        this.reveal(component);
      }
    });
    this.layers.nodes.addEventListener('focusin', (event) => {
      const component = componentOf(event);
      const box = component === undefined ? undefined : this.positions?.nodes.get(`n:${component}`);
      if (box) this.viewport.reveal(box);
    });
    this.svg.addEventListener('keydown', (event) => {
      if (event.key === '+' || event.key === '=') this.viewport.zoomBy(1.25);
      else if (event.key === '-') this.viewport.zoomBy(0.8);
      else if (event.key === '0') this.fit();
    });
  }

  private export(format: 'svg' | 'png'): void {
    const positions = this.positions;
    if (!positions) return;
    const svgText = exportSvg(this.svg, positions);
    if (format === 'svg') {
      this.host.postMessage({ type: 'export', format, data: svgText });
      return;
    }
    svgToPng(svgText, positions.width, positions.height).then(
      (data) => this.host.postMessage({ type: 'export', format, data }),
      (error: Error) => this.host.postMessage({ type: 'error', message: error.message }),
    );
  }
}
