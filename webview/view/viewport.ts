// Zoom and pan of the diagram: wheel, drag on the background, keys, fit (kept fitted on resize until the user moves it); reports every change.
export interface ViewTransform {
  readonly zoom: number;
  readonly panX: number;
  readonly panY: number;
}

const MIN_ZOOM = 0.1;
const MAX_ZOOM = 3;
const FIT_MAX_ZOOM = 1.25;
const FIT_MARGIN = 16;
/** Below this zoom text is too small to read: it is hidden, which also makes big flows paint fast. */
const TEXT_MIN_ZOOM = 0.45;
/** The smallest zoom a fit goes to for a flow meant to be read (13px text at 9px): below it the view scrolls instead. */
export const READABLE_ZOOM = 0.7;

export class Viewport {
  private view: ViewTransform = { zoom: 1, panX: 0, panY: 0 };
  private content = { width: 0, height: 0 };
  /** Kept by a ResizeObserver: reading clientWidth after a redraw would force a synchronous layout of the whole SVG. */
  private viewSize = { width: 0, height: 0 };
  private readonly listeners: Array<(view: ViewTransform) => void> = [];
  /** The smallest zoom of the last fit while the view is still fitted (no zoom or pan since); undefined once moved. */
  private fitted: number | undefined;

  constructor(private readonly svg: SVGSVGElement, private readonly layer: SVGGElement) {
    svg.addEventListener('wheel', (event) => this.onWheel(event), { passive: false });
    svg.addEventListener('pointerdown', (event) => this.onPointerDown(event));
    new ResizeObserver((entries) => {
      const box = entries[entries.length - 1]?.contentRect;
      if (!box || (box.width === this.viewSize.width && box.height === this.viewSize.height)) return;
      this.viewSize = { width: box.width, height: box.height };
      // A fitted diagram stays fitted as the panel changes size (the panel opens at one size and settles at another).
      if (this.fitted !== undefined) this.fit(this.fitted);
    }).observe(svg);
  }

  /** Whether the view is as the last fit left it (the user has not zoomed or panned since). */
  get isFitted(): boolean {
    return this.fitted !== undefined;
  }

  get transform(): ViewTransform {
    return this.view;
  }

  get size(): { width: number; height: number } {
    if (this.viewSize.width === 0) this.viewSize = { width: this.svg.clientWidth, height: this.svg.clientHeight };
    return this.viewSize;
  }

  get contentSize(): { width: number; height: number } {
    return this.content;
  }

  onChange(listener: (view: ViewTransform) => void): void {
    this.listeners.push(listener);
  }

  setContentSize(width: number, height: number): void {
    this.content = { width, height };
  }

  set(view: ViewTransform): void {
    this.fitted = undefined;
    this.apply(view);
  }

  private apply(view: ViewTransform): void {
    const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, view.zoom));
    this.view = { zoom, panX: view.panX, panY: view.panY };
    this.layer.setAttribute('transform', `translate(${this.view.panX} ${this.view.panY}) scale(${zoom})`);
    this.svg.classList.toggle('far', zoom < TEXT_MIN_ZOOM);
    for (const listener of this.listeners) listener(this.view);
  }

  /** Zooms by `factor` keeping the point (x, y) of the view in place (default: the centre). */
  zoomBy(factor: number, x = this.size.width / 2, y = this.size.height / 2): void {
    const { zoom, panX, panY } = this.view;
    const next = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom * factor));
    const ratio = next / zoom;
    this.set({ zoom: next, panX: x - (x - panX) * ratio, panY: y - (y - panY) * ratio });
  }

  panBy(dx: number, dy: number): void {
    this.set({ ...this.view, panX: this.view.panX + dx, panY: this.view.panY + dy });
  }

  /**
   * Shows the whole flow, but never below `minZoom`: a small flow in a narrow panel stays readable,
   * starting at its left edge (its sources), and the rest is a scroll (wheel or drag) away. The view
   * stays fitted, through resizes, until the user zooms or pans.
   */
  fit(minZoom = MIN_ZOOM): void {
    const { width, height } = this.size;
    this.fitted = minZoom;
    if (this.content.width <= 0 || width <= 0 || height <= 0) return this.apply({ zoom: 1, panX: 0, panY: 0 });
    const zoom = Math.min(FIT_MAX_ZOOM, (width - 2 * FIT_MARGIN) / this.content.width, (height - 2 * FIT_MARGIN) / this.content.height);
    const clamped = Math.max(MIN_ZOOM, minZoom, zoom);
    const centre = (view: number, content: number) => (content * clamped <= view - 2 * FIT_MARGIN ? (view - content * clamped) / 2 : FIT_MARGIN);
    this.apply({ zoom: clamped, panX: centre(width, this.content.width), panY: centre(height, this.content.height) });
  }

  /** Centres the view on a point of the diagram. */
  centreOn(x: number, y: number): void {
    const { width, height } = this.size;
    this.set({ ...this.view, panX: width / 2 - x * this.view.zoom, panY: height / 2 - y * this.view.zoom });
  }

  /** Pans just enough to show a box of the diagram. */
  reveal(box: { x: number; y: number; width: number; height: number }): void {
    const { zoom, panX, panY } = this.view;
    const { width, height } = this.size;
    const left = box.x * zoom + panX;
    const top = box.y * zoom + panY;
    const right = left + box.width * zoom;
    const bottom = top + box.height * zoom;
    let dx = 0;
    let dy = 0;
    if (left < FIT_MARGIN) dx = FIT_MARGIN - left;
    else if (right > width - FIT_MARGIN) dx = width - FIT_MARGIN - right;
    if (top < FIT_MARGIN) dy = FIT_MARGIN - top;
    else if (bottom > height - FIT_MARGIN) dy = height - FIT_MARGIN - bottom;
    if (dx !== 0 || dy !== 0) this.panBy(dx, dy);
  }

  private onWheel(event: WheelEvent): void {
    event.preventDefault();
    const rect = this.svg.getBoundingClientRect();
    if (event.ctrlKey || event.metaKey) {
      this.zoomBy(Math.exp(-event.deltaY * 0.01), event.clientX - rect.left, event.clientY - rect.top);
    } else {
      this.panBy(-event.deltaX, -event.deltaY);
    }
  }

  private onPointerDown(event: PointerEvent): void {
    // Dragging starts on the background only; nodes take clicks.
    if (event.button !== 0 || (event.target as Element).closest('.node')) return;
    let lastX = event.clientX;
    let lastY = event.clientY;
    this.svg.setPointerCapture(event.pointerId);
    this.svg.classList.add('panning');
    const move = (e: PointerEvent) => {
      this.panBy(e.clientX - lastX, e.clientY - lastY);
      lastX = e.clientX;
      lastY = e.clientY;
    };
    const up = () => {
      this.svg.classList.remove('panning');
      this.svg.removeEventListener('pointermove', move);
      this.svg.removeEventListener('pointerup', up);
      this.svg.removeEventListener('pointercancel', up);
    };
    this.svg.addEventListener('pointermove', move);
    this.svg.addEventListener('pointerup', up);
    this.svg.addEventListener('pointercancel', up);
  }
}
