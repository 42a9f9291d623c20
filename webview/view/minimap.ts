// The minimap for large flows: every node as a box, the visible area as a frame; click or drag to move there.
import type { PositionedDiagram } from '../graph/positioned';
import { svgElement } from '../render/svg-dom';
import type { Viewport } from './viewport';

/** Flows with more nodes than this, or larger than the view, get a minimap. */
const MINIMAP_MIN_NODES = 25;
const MINIMAP_WIDTH = 180;
const MINIMAP_HEIGHT = 120;

export class Minimap {
  readonly element: SVGSVGElement;
  private readonly boxes: SVGGElement;
  private readonly frame: SVGRectElement;
  private scale = 1;

  constructor(private readonly viewport: Viewport) {
    this.element = svgElement('svg', { class: 'minimap', width: MINIMAP_WIDTH, height: MINIMAP_HEIGHT, role: 'img', 'aria-label': 'Minimap of the flow' });
    this.boxes = svgElement('g');
    this.frame = svgElement('rect', { class: 'minimap-frame' });
    this.element.append(this.boxes, this.frame);
    this.element.addEventListener('pointerdown', (event) => {
      this.element.setPointerCapture(event.pointerId);
      this.moveTo(event);
      const move = (e: PointerEvent) => this.moveTo(e);
      const up = () => {
        this.element.removeEventListener('pointermove', move);
        this.element.removeEventListener('pointerup', up);
      };
      this.element.addEventListener('pointermove', move);
      this.element.addEventListener('pointerup', up);
    });
    viewport.onChange(() => this.updateFrame());
  }

  update(positions: PositionedDiagram): void {
    const { width, height } = this.viewport.size;
    const large = positions.nodes.size >= MINIMAP_MIN_NODES || positions.width > width * 1.5 || positions.height > height * 1.5;
    this.element.classList.toggle('hidden', !large);
    if (!large) return;
    this.scale = Math.min(MINIMAP_WIDTH / Math.max(1, positions.width), MINIMAP_HEIGHT / Math.max(1, positions.height));
    // The minimap takes the flow's proportions, within MINIMAP_WIDTH x MINIMAP_HEIGHT.
    this.element.setAttribute('width', String(Math.max(24, Math.ceil(positions.width * this.scale))));
    this.element.setAttribute('height', String(Math.max(24, Math.ceil(positions.height * this.scale))));
    const rects = [...positions.nodes.values()].map((b) =>
      svgElement('rect', { class: 'minimap-node', x: b.x * this.scale, y: b.y * this.scale, width: Math.max(1, b.width * this.scale), height: Math.max(1, b.height * this.scale) }),
    );
    this.boxes.replaceChildren(...rects);
    this.updateFrame();
  }

  private updateFrame(): void {
    const { zoom, panX, panY } = this.viewport.transform;
    const { width, height } = this.viewport.size;
    this.frame.setAttribute('x', String((-panX / zoom) * this.scale));
    this.frame.setAttribute('y', String((-panY / zoom) * this.scale));
    this.frame.setAttribute('width', String((width / zoom) * this.scale));
    this.frame.setAttribute('height', String((height / zoom) * this.scale));
  }

  private moveTo(event: PointerEvent): void {
    const rect = this.element.getBoundingClientRect();
    this.viewport.centreOn((event.clientX - rect.left) / this.scale, (event.clientY - rect.top) / this.scale);
  }
}
