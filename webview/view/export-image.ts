// Exports the drawn diagram as a standalone SVG (theme colours resolved inline) or as a PNG.
import type { PositionedDiagram } from '../graph/positioned';

/** Presentation properties copied from the computed style, since the theme variables exist only in the webview. */
const STYLE_PROPERTIES = ['fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'opacity', 'color', 'font-family', 'font-size', 'font-weight'];

export function exportSvg(svg: SVGSVGElement, positions: PositionedDiagram): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const originals = [svg, ...svg.querySelectorAll('*')];
  const copies = [clone, ...clone.querySelectorAll('*')];
  originals.forEach((original, i) => {
    const copy = copies[i];
    // Icon symbols draw with currentColor, which each <use> sets; fixing their colour here would grey every icon.
    if (!copy || original.closest('symbol')) return;
    const computed = getComputedStyle(original);
    // Presentation attributes rather than `style`, which the webview's CSP forbids.
    for (const property of STYLE_PROPERTIES) copy.setAttribute(property, computed.getPropertyValue(property));
    copy.removeAttribute('tabindex');
    copy.removeAttribute('data-vscode-context');
  });
  clone.querySelector('.viewport')?.removeAttribute('transform');
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('viewBox', `0 0 ${positions.width} ${positions.height}`);
  clone.setAttribute('width', String(positions.width));
  clone.setAttribute('height', String(positions.height));
  // The background of the theme, so the image reads the same outside the editor.
  const background = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  background.setAttribute('width', '100%');
  background.setAttribute('height', '100%');
  background.setAttribute('fill', getComputedStyle(document.body).backgroundColor);
  clone.insertBefore(background, clone.firstChild);
  return new XMLSerializer().serializeToString(clone);
}

/** Canvases larger than this on a side fail in Chromium; big flows are exported at a smaller scale. */
const MAX_CANVAS_SIDE = 16_384;

/** Renders SVG text into a PNG at up to twice the size; resolves to a `data:image/png;base64,` URL. */
export function svgToPng(svgText: string, width: number, height: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => {
      const scale = Math.min(2, MAX_CANVAS_SIDE / Math.max(1, width), MAX_CANVAS_SIDE / Math.max(1, height));
      const canvas = document.createElement('canvas');
      canvas.width = Math.ceil(width * scale);
      canvas.height = Math.ceil(height * scale);
      const context = canvas.getContext('2d');
      if (!context) return reject(new Error('This webview cannot draw a PNG (no 2D canvas).'));
      context.scale(scale, scale);
      context.drawImage(image, 0, 0, width, height);
      resolve(canvas.toDataURL('image/png'));
    };
    image.onerror = () => reject(new Error('The diagram could not be turned into a PNG image.'));
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgText)}`;
  });
}
