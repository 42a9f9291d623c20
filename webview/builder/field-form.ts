// The component form: one input per main field of the component's type, generated from its JSON Schema.
import { componentProperties, type PropertyDoc } from '../../flow/schema';
import type { FlowComponent } from '../../flow/model';
import type { BuilderValue } from '../../protocol/webview-messages';
import { checkField, fieldText, isFormField } from './field-validation';

export interface FieldFormResult {
  /** Only the fields whose value changed; `null` removes a field. */
  readonly fields: Readonly<Record<string, BuilderValue | null>>;
}

/** Builds the form; `submit` gets the changed fields once every field is valid. */
export function buildFieldForm(component: FlowComponent, submit: (result: FieldFormResult) => void, cancel: () => void): HTMLFormElement {
  const form = document.createElement('form');
  form.className = 'builder-form field-form';
  form.noValidate = true;
  form.setAttribute('aria-label', `Fields of ${component.name}`);
  const heading = document.createElement('div');
  heading.className = 'builder-heading';
  heading.textContent = `${component.name} (${component.type ?? 'no type'})`;
  form.append(heading);
  const properties = componentProperties(component.type).filter(isFormField);
  const inputs = new Map<string, { property: PropertyDoc; input: HTMLInputElement | HTMLSelectElement; error: HTMLElement; initial: string }>();
  for (const property of properties) {
    const row = document.createElement('label');
    row.className = 'field-row';
    const name = document.createElement('span');
    name.className = 'field-name';
    name.textContent = property.required ? `${property.name} *` : property.name;
    name.title = property.description;
    const initial = fieldText(component.props[property.name]);
    const input = property.values && property.type !== 'array' ? selectOf(property, initial) : textInput(property, initial);
    input.name = property.name;
    const error = document.createElement('span');
    error.className = 'field-error';
    error.setAttribute('role', 'alert');
    row.append(name, input, error);
    form.append(row);
    inputs.set(property.name, { property, input, error, initial });
  }
  const buttons = document.createElement('div');
  buttons.className = 'builder-buttons';
  const ok = button('Apply', 'submit');
  const no = button('Cancel', 'button');
  no.addEventListener('click', () => cancel());
  buttons.append(ok, no);
  form.append(buttons);
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') cancel();
    event.stopPropagation();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const fields: Record<string, BuilderValue | null> = {};
    let valid = true;
    for (const { property, input, error, initial } of inputs.values()) {
      const check = checkField(property, input.value);
      error.textContent = check.ok ? '' : check.reason;
      input.setAttribute('aria-invalid', String(!check.ok));
      if (!check.ok) valid = false;
      else if (input.value.trim() !== initial.trim()) fields[property.name] = check.value;
    }
    if (valid) submit({ fields });
  });
  return form;
}

function textInput(property: PropertyDoc, initial: string): HTMLInputElement {
  const input = document.createElement('input');
  input.type = 'text';
  input.value = initial;
  input.placeholder = property.default !== undefined ? `default ${fieldText(property.default)}` : property.type === 'array' ? 'comma-separated' : '';
  return input;
}

function selectOf(property: PropertyDoc, initial: string): HTMLSelectElement {
  const select = document.createElement('select');
  const choices = property.required ? property.values! : ['', ...property.values!];
  for (const value of choices) {
    const option = document.createElement('option');
    option.value = value;
    option.textContent = value === '' ? (property.default !== undefined ? `(default ${fieldText(property.default)})` : '(none)') : value;
    select.append(option);
  }
  if (initial !== '' && !choices.includes(initial)) {
    // A value the schema does not allow stays visible so the check can say so.
    const option = document.createElement('option');
    option.value = initial;
    option.textContent = initial;
    select.append(option);
  }
  select.value = initial;
  return select;
}

export function button(text: string, type: 'submit' | 'button'): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = type;
  b.textContent = text;
  return b;
}
