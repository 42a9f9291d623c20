// An in-webview prompt for a component name, checked (valid spelling, unique) before it is accepted.
import { COMPONENT_NAME_PATTERN } from '../../flow/edits/yaml-scalars';
import { button } from './field-form';

/** Why `name` cannot name a new component among `taken`, or undefined when it can. */
function nameProblem(name: string, taken: ReadonlySet<string>): string | undefined {
  if (name === '') return 'Enter a name for the component.';
  if (!COMPONENT_NAME_PATTERN.test(name)) return `"${name}" is not a valid name: use letters, digits, '_', '-' or '.', starting with a letter.`;
  if (taken.has(name)) return `A component named "${name}" already exists.`;
  return undefined;
}

export function buildNamePrompt(label: string, initial: string, taken: ReadonlySet<string>, submit: (name: string) => void, cancel: () => void): HTMLFormElement {
  const form = document.createElement('form');
  form.className = 'builder-form name-prompt';
  form.noValidate = true;
  const caption = document.createElement('label');
  caption.className = 'builder-heading';
  caption.textContent = label;
  const input = document.createElement('input');
  input.type = 'text';
  input.name = 'name';
  input.value = initial;
  input.setAttribute('aria-label', label);
  caption.append(input);
  const error = document.createElement('div');
  error.className = 'field-error';
  error.setAttribute('role', 'alert');
  const buttons = document.createElement('div');
  buttons.className = 'builder-buttons';
  const no = button('Cancel', 'button');
  no.addEventListener('click', () => cancel());
  buttons.append(button('OK', 'submit'), no);
  form.append(caption, error, buttons);
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') cancel();
    event.stopPropagation();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const name = input.value.trim();
    const problem = nameProblem(name, taken);
    error.textContent = problem ?? '';
    if (!problem) submit(name);
  });
  queueMicrotask(() => input.select());
  return form;
}
