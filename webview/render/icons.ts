// One icon per component type, as local inline SVG <symbol>s (drawn with currentColor; no external files).
import { svgElement } from './svg-dom';

/** 16x16 outlines; adding a component type means adding one entry here. */
const ICON_PATHS: Readonly<Record<string, readonly string[]>> = {
  // Kafka: three brokers of a cluster, linked.
  kafka: ['M8 2.2a1.6 1.6 0 1 1 0 3.2a1.6 1.6 0 1 1 0-3.2Z', 'M3.5 10.6a1.6 1.6 0 1 1 0 3.2a1.6 1.6 0 1 1 0-3.2Z',
    'M12.5 10.6a1.6 1.6 0 1 1 0 3.2a1.6 1.6 0 1 1 0-3.2Z', 'M8 5.4V8M8 8L4.6 10.9M8 8l3.4 2.9'],
  // MQ: a queue of messages.
  mq: ['M1.5 5h13v6h-13Z', 'M5 5v6M8 5v6M11 5v6', 'M12.5 2.5l2 2.5-2 2.5'],
  // Database: a cylinder.
  database: ['M2.5 4c0-1.1 2.5-2 5.5-2s5.5.9 5.5 2-2.5 2-5.5 2-5.5-.9-5.5-2Z', 'M2.5 4v8c0 1.1 2.5 2 5.5 2s5.5-.9 5.5-2V4',
    'M2.5 8c0 1.1 2.5 2 5.5 2s5.5-.9 5.5-2'],
  // Service: a process box with a gear-like core.
  service: ['M2 2.5h12v11H2Z', 'M8 5.5a2.5 2.5 0 1 1 0 5a2.5 2.5 0 1 1 0-5Z', 'M8 4v1.5M8 10.5V12M4.5 8H6M10 8h1.5'],
  // API: a globe.
  api: ['M8 1.8a6.2 6.2 0 1 1 0 12.4a6.2 6.2 0 1 1 0-12.4Z', 'M1.8 8h12.4', 'M8 1.8c-2 2-2 10.4 0 12.4M8 1.8c2 2 2 10.4 0 12.4'],
  // Unknown or missing type, and ghost nodes.
  unknown: ['M8 1.8a6.2 6.2 0 1 1 0 12.4a6.2 6.2 0 1 1 0-12.4Z', 'M6 6.2a2 2 0 1 1 2.6 1.9c-.4.2-.6.5-.6.9v.8', 'M8 11.3v.4'],
};

export function iconId(type: string | undefined): string {
  return `icon-${type !== undefined && type in ICON_PATHS ? type : 'unknown'}`;
}

/** The <defs> with every icon symbol and the edge arrow marker. */
export function diagramDefs(): SVGDefsElement {
  const defs = svgElement('defs');
  for (const [type, paths] of Object.entries(ICON_PATHS)) {
    const symbol = svgElement('symbol', { id: `icon-${type}`, viewBox: '0 0 16 16' });
    for (const d of paths) {
      symbol.append(svgElement('path', { d, fill: 'none', stroke: 'currentColor', 'stroke-width': 1.3, 'stroke-linecap': 'round', 'stroke-linejoin': 'round' }));
    }
    defs.append(symbol);
  }
  for (const [id, cls] of [['arrow', 'edge-arrow'], ['arrow-traced', 'edge-arrow traced']] as const) {
    const marker = svgElement('marker', { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
    marker.append(svgElement('path', { d: 'M0 0L10 5L0 10Z', class: cls }));
    defs.append(marker);
  }
  return defs;
}
