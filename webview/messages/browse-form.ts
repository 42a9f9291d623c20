// The Messages panel's form: search (text, key, header), limit, and for Kafka the start position and partitions; it builds the BrowseRequest.
import { parseKafkaPosition } from '../../flow/kafka-positions';
import type { BrowseRequest } from '../../protocol/executor-events';
import { MESSAGES_PANEL_MAX_LIMIT, type MessagesTarget } from '../../protocol/messages-view';

const DEFAULT_PANEL_LIMIT = 100;

function field(labelText: string, input: HTMLInputElement | HTMLSelectElement): HTMLLabelElement {
  const label = document.createElement('label');
  label.append(labelText, input);
  return label;
}

function textInput(name: string, placeholder: string): HTMLInputElement {
  const input = document.createElement('input');
  input.type = 'text';
  input.name = name;
  input.placeholder = placeholder;
  return input;
}

export interface BrowseForm {
  readonly element: HTMLFormElement;
  /** The request the form says, or the sentence saying what is wrong in it. */
  request(): BrowseRequest | { readonly problem: string };
}

/** What the form's buttons do besides Browse. */
export interface FormActions {
  readonly stop: () => void;
  readonly export: () => void;
  readonly redrive: () => void;
}

function secondaryButton(text: string, title: string, onClick: () => void): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'secondary';
  button.textContent = text;
  button.title = title;
  button.addEventListener('click', onClick);
  return button;
}

export function browseForm(target: MessagesTarget, onBrowse: () => void, actions: FormActions): BrowseForm {
  const form = document.createElement('form');
  form.className = 'browse-form';
  const text = textInput('text', 'text in payload, key or headers');
  const key = textInput('key', 'exact key');
  const header = textInput('header', 'name or name=value');
  const limit = document.createElement('input');
  Object.assign(limit, { type: 'number', name: 'limit', min: '1', max: String(MESSAGES_PANEL_MAX_LIMIT), value: String(DEFAULT_PANEL_LIMIT) });
  form.append(field('Search', text), field('Key', key), field('Header', header), field('Show at most', limit));
  const kafka = target.componentType === 'kafka';
  const from = document.createElement('select');
  from.name = 'from';
  const at = textInput('at', 'offset, or time such as 2026-11-01T00:00:00Z');
  const partitions = textInput('partitions', 'all, or 0,1');
  if (kafka) {
    for (const [value, label] of [['earliest', 'earliest'], ['latest', 'latest (the last N of each partition)'], ['offset', 'offset'], ['time', 'time']]) {
      const option = document.createElement('option');
      option.value = value!;
      option.textContent = label!;
      from.append(option);
    }
    form.append(field('From', from), field('Offset or time', at), field('Partitions', partitions));
  }
  const browse = document.createElement('button');
  browse.type = 'submit';
  browse.textContent = 'Browse';
  form.append(
    browse,
    secondaryButton('Stop', 'Stop the browse (a queue gets its messages back)', actions.stop),
    secondaryButton('Export…', 'Write what this search reads to an .ndjson file', actions.export),
    secondaryButton('Redrive…', 'Move the dead letters here back to where they came from', actions.redrive),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    onBrowse();
  });
  return {
    element: form,
    request() {
      const n = Number(limit.value);
      if (!Number.isSafeInteger(n) || n < 1 || n > MESSAGES_PANEL_MAX_LIMIT) return { problem: `Show at most: a whole number from 1 to ${MESSAGES_PANEL_MAX_LIMIT}` };
      const search = { ...(text.value ? { text: text.value } : {}), ...(key.value ? { key: key.value } : {}), ...(header.value ? { header: header.value } : {}) };
      const request: { -readonly [K in keyof BrowseRequest]: BrowseRequest[K] } = { limit: n, ...(Object.keys(search).length > 0 ? { search } : {}) };
      if (!kafka) return request;
      if (from.value === 'earliest' || from.value === 'latest') request.from = from.value;
      else {
        const position = parseKafkaPosition(at.value.trim());
        if (!position || (from.value === 'offset') !== (position.kind === 'offset') || position.kind === 'earliest' || position.kind === 'end') return { problem: from.value === 'offset' ? 'Offset: a whole number, 0 or more' : 'Time: an ISO-8601 time such as 2026-11-01T00:00:00Z' };
        request.from = at.value.trim();
      }
      if (partitions.value.trim() !== '') {
        const list = partitions.value.split(',').map((p) => Number(p.trim()));
        if (list.some((p) => !Number.isSafeInteger(p) || p < 0)) return { problem: 'Partitions: partition numbers separated by commas' };
        request.partitions = list;
      }
      return request;
    },
  };
}
