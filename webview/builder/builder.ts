// The visual builder: palette (add), drag from a node's port to connect, delete, rename and the field form; posts edit requests.
import { connectionRefusal } from '../../flow/edits/connection-edits';
import { parseFlow } from '../../flow/parse';
import { COMPONENT_TYPES } from '../../flow/component-types';
import type { EditRequest, WebviewToHost } from '../../protocol/webview-messages';
import { buildFieldForm, button } from './field-form';
import { buildNamePrompt } from './name-prompt';

export interface BuilderHost {
  postMessage(message: WebviewToHost): void;
}

export class Builder {
  readonly element: HTMLElement;
  private readonly message: HTMLElement;
  private readonly panel: HTMLElement;
  private readonly typeSelect: HTMLSelectElement;
  private text = '';
  private nextId = 1;
  private selectedEdge: number | undefined;

  constructor(private readonly host: BuilderHost, private readonly svg: SVGSVGElement, private readonly selectedComponent: () => string | undefined) {
    this.element = document.createElement('div');
    this.element.className = 'palette';
    this.element.setAttribute('role', 'toolbar');
    this.element.setAttribute('aria-label', 'Build the flow');
    this.typeSelect = document.createElement('select');
    this.typeSelect.setAttribute('aria-label', 'Component type');
    for (const type of COMPONENT_TYPES) {
      const option = document.createElement('option');
      option.value = type;
      option.textContent = type;
      this.typeSelect.append(option);
    }
    this.element.append(this.typeSelect);
    const actions: Array<[string, string, () => void]> = [
      ['Add', 'Add a component of this type', () => this.promptAdd()],
      ['Rename', 'Rename the selected component', () => this.promptRename()],
      ['Edit', 'Edit the selected component\'s fields', () => this.openForm()],
      ['Delete', 'Delete the selected component or connection', () => this.deleteSelection()],
    ];
    for (const [text, label, action] of actions) {
      const b = button(text, 'button');
      b.title = label;
      b.setAttribute('aria-label', label);
      b.dataset.action = text.toLowerCase();
      b.addEventListener('click', () => action());
      this.element.append(b);
    }
    this.message = document.createElement('div');
    this.message.className = 'builder-message hidden';
    this.message.setAttribute('role', 'alert');
    this.panel = document.createElement('div');
    this.panel.className = 'builder-panel hidden';
    this.wire();
  }

  /** The elements to place in the page besides the palette. */
  get overlays(): HTMLElement[] {
    return [this.message, this.panel];
  }

  setText(text: string): void {
    this.text = text;
  }

  /** Shows why an edit was refused (by the webview's own check or by the host). */
  showRefusal(reason: string): void {
    this.message.textContent = reason.charAt(0).toUpperCase() + reason.slice(1);
    this.message.classList.remove('hidden');
  }

  private send(request: EditRequest): void {
    this.message.classList.add('hidden');
    this.host.postMessage({ type: 'edit', id: this.nextId++, request });
  }

  private names(): Set<string> {
    return new Set(parseFlow(this.text).model.components.map((c) => c.name));
  }

  private open(content: HTMLElement): void {
    this.panel.replaceChildren(content);
    this.panel.classList.remove('hidden');
  }

  private close(): void {
    this.panel.replaceChildren();
    this.panel.classList.add('hidden');
  }

  private promptAdd(): void {
    const type = this.typeSelect.value;
    const taken = this.names();
    let n = 1;
    const base = type.charAt(0).toUpperCase() + type.slice(1);
    while (taken.has(`${base}${n}`)) n++;
    this.open(buildNamePrompt(`Name of the new ${type} component`, `${base}${n}`, taken, (name) => {
      this.close();
      this.send({ kind: 'addComponent', name, componentType: type });
    }, () => this.close()));
  }

  private promptRename(): void {
    const from = this.selectedComponent();
    if (from === undefined) return this.showRefusal('Select a component to rename first.');
    const taken = this.names();
    taken.delete(from);
    this.open(buildNamePrompt(`Rename ${from} to`, from, taken, (to) => {
      this.close();
      if (to !== from) this.send({ kind: 'renameComponent', from, to });
    }, () => this.close()));
  }

  private openForm(): void {
    const name = this.selectedComponent();
    const component = parseFlow(this.text).model.components.find((c) => c.name === name);
    if (!component) return this.showRefusal('Select a component to edit first.');
    this.open(buildFieldForm(component, ({ fields }) => {
      this.close();
      if (Object.keys(fields).length > 0) this.send({ kind: 'setFields', name: component.name, fields });
    }, () => this.close()));
  }

  private deleteSelection(): void {
    if (this.selectedEdge !== undefined) {
      const index = this.selectedEdge;
      this.selectEdge(undefined);
      return this.send({ kind: 'removeConnection', index });
    }
    const name = this.selectedComponent();
    if (name === undefined) return this.showRefusal('Select a component or a connection to delete first.');
    this.send({ kind: 'removeComponent', name });
  }

  private selectEdge(index: number | undefined): void {
    this.selectedEdge = index;
    for (const edge of this.svg.querySelectorAll<SVGGElement>('.edge')) {
      edge.classList.toggle('selected', index !== undefined && edge.dataset.index === String(index));
    }
  }

  private wire(): void {
    // On pointerdown: a press on the background starts panning, which captures the pointer (and its click).
    this.svg.addEventListener('pointerdown', (event) => {
      const edge = (event.target as Element).closest<SVGGElement>('.edge');
      this.selectEdge(edge?.dataset.index === undefined ? undefined : Number(edge.dataset.index));
    }, { capture: true });
    window.addEventListener('keydown', (event) => {
      const target = event.target as Element | null;
      if (target?.closest('input, select, textarea, form')) return;
      if (event.key === 'Delete') {
        event.preventDefault();
        this.deleteSelection();
      }
    });
    this.svg.addEventListener('pointerdown', (event) => {
      const port = (event.target as Element).closest('.node-port');
      const from = port?.closest<SVGGElement>('.node')?.dataset.component;
      if (!port || from === undefined) return;
      event.preventDefault();
      event.stopPropagation();
      this.startDrag(from, event);
    });
  }

  private startDrag(from: string, event: PointerEvent): void {
    const rect = this.svg.getBoundingClientRect();
    const x = event.clientX - rect.left;
    const y = event.clientY - rect.top;
    const line = document.createElementNS('http://www.w3.org/2000/svg', 'line');
    line.setAttribute('class', 'connect-line');
    for (const [k, v] of [['x1', x], ['y1', y], ['x2', x], ['y2', y]] as const) line.setAttribute(k, String(v));
    this.svg.append(line);
    const move = (e: PointerEvent) => {
      line.setAttribute('x2', String(e.clientX - rect.left));
      line.setAttribute('y2', String(e.clientY - rect.top));
    };
    const up = (e: PointerEvent) => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
      line.remove();
      const to = document.elementFromPoint(e.clientX, e.clientY)?.closest<SVGGElement>('.node')?.dataset.component;
      if (to === undefined) return;
      this.connect(from, to);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  }

  private connect(from: string, to: string): void {
    const refusal = connectionRefusal(this.text, from, to);
    if (refusal) return this.showRefusal(`Cannot connect ${from} to ${to}: ${refusal}.`);
    this.send({ kind: 'addConnection', from, to });
  }
}
