// Checks a message from the diagram webview against its declared shape (webview-messages.ts) before the host uses it.
import { boolean, checkByType, integer, isObject, number, object, oneOf, optional, record, string, type Checked, type Fields, type Check } from './shape-checks';
import type { EditRequest, WebviewToHost } from './webview-messages';

export type CheckedMessage = Checked<WebviewToHost>;

const builderValue: Check = (v, at) => {
  if (v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) return undefined;
  if (Array.isArray(v) && v.every((item) => typeof item === 'string')) return undefined;
  return `${at} is not a string, number, boolean, list of strings or null`;
};

const EDIT_REQUESTS: Readonly<Record<EditRequest['kind'], Fields>> = {
  addComponent: { kind: string, name: string, componentType: string },
  removeComponent: { kind: string, name: string },
  renameComponent: { kind: string, from: string, to: string },
  setFields: { kind: string, name: string, fields: record(builderValue) },
  addConnection: { kind: string, from: string, to: string },
  removeConnection: { kind: string, index: integer },
};

const editRequest: Check = (v, at) => {
  if (!isObject(v)) return `${at} is not an object`;
  const fields = typeof v['kind'] === 'string' && Object.hasOwn(EDIT_REQUESTS, v['kind']) ? EDIT_REQUESTS[v['kind'] as EditRequest['kind']] : undefined;
  return fields ? object(fields)(v, at) : `${at}.kind is not a known edit (${Object.keys(EDIT_REQUESTS).join(', ')})`;
};

/** One declared shape per message type (the `type` field is checked by the lookup). */
const MESSAGES: Readonly<Record<WebviewToHost['type'], Fields>> = {
  ready: { type: string },
  reveal: { type: string, component: string },
  rendered: {
    type: string,
    version: integer,
    nodes: integer,
    edges: integer,
    reusedLayout: boolean,
    timings: object({ parse: number, layout: number, render: number, total: number }),
  },
  export: { type: string, format: oneOf('svg', 'png'), data: string },
  edit: { type: string, id: integer, request: editRequest },
  error: { type: string, message: string },
  statusPainted: { type: string, runId: optional(string), nodes: record(string), edges: record(string, (k) => /^\d+$/.test(k)) },
};

/** The message as the declared type, or why it is not one (the host drops it and logs the reason). */
export function checkWebviewMessage(value: unknown): CheckedMessage {
  return checkByType<WebviewToHost>(MESSAGES, value);
}
