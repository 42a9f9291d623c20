// The toolbar: zoom out, zoom in, fit, export as SVG and as PNG (buttons wired with listeners, no inline handlers).
export interface ToolbarActions {
  zoomIn(): void;
  zoomOut(): void;
  fit(): void;
  exportSvg(): void;
  exportPng(): void;
}

export function buildToolbar(actions: ToolbarActions): HTMLElement {
  const bar = document.createElement('div');
  bar.className = 'toolbar';
  bar.setAttribute('role', 'toolbar');
  bar.setAttribute('aria-label', 'Diagram tools');
  const buttons: Array<[string, string, () => void]> = [
    ['−', 'Zoom out', actions.zoomOut],
    ['+', 'Zoom in', actions.zoomIn],
    ['Fit', 'Fit the flow in view', actions.fit],
    ['SVG', 'Export as SVG', actions.exportSvg],
    ['PNG', 'Export as PNG', actions.exportPng],
  ];
  for (const [text, label, action] of buttons) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = text;
    button.title = label;
    button.setAttribute('aria-label', label);
    button.dataset.action = label;
    button.addEventListener('click', () => action());
    bar.append(button);
  }
  return bar;
}
