// Checks a message from the diagram webview against its declared shape (webview-messages.ts) before the host uses it.
import type { EditRequest, WebviewToHost } from './webview-messages';

export type CheckedMessage = { readonly ok: true; readonly message: WebviewToHost } | { readonly ok: false; readonly reason: string };

type Check = (value: unknown, at: string) => string | undefined;
type Fields = Readonly<Record<string, Check>>;

const string: Check = (v, at) => (typeof v === 'string' ? undefined : `${at} is not a string`);
const number: Check = (v, at) => (typeof v === 'number' && Number.isFinite(v) ? undefined : `${at} is not a number`);
const integer: Check = (v, at) => (Number.isSafeInteger(v) && (v as number) >= 0 ? undefined : `${at} is not a whole number`);
const boolean: Check = (v, at) => (typeof v === 'boolean' ? undefined : `${at} is not true or false`);
const optional = (check: Check): Check => (v, at) => (v === undefined ? undefined : check(v, at));
const oneOf = (...allowed: readonly string[]): Check => (v, at) => (allowed.includes(v as string) ? undefined : `${at} is not one of ${allowed.join(', ')}`);

/** A name from the webview, cut short for the log line. */
function shown(key: string): string {
  return JSON.stringify(key.length > 60 ? `${key.slice(0, 60)}…` : key);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An object with exactly these fields (absent optional ones allowed); a field it does not declare is refused. */
const object = (fields: Fields): Check => (v, at) => {
  if (!isObject(v)) return `${at} is not an object`;
  for (const key of Object.keys(v)) if (!Object.hasOwn(fields, key)) return `${at} has an undeclared field ${shown(key)}`;
  for (const [key, check] of Object.entries(fields)) {
    const problem = check(v[key], `${at}.${key}`);
    if (problem) return problem;
  }
  return undefined;
};

/** A record whose keys match `key` and whose values pass `value`. */
const record = (value: Check, key: (k: string) => boolean = () => true): Check => (v, at) => {
  if (!isObject(v)) return `${at} is not an object`;
  for (const [k, item] of Object.entries(v)) {
    if (!key(k)) return `${at} has a key ${shown(k)} that is not a connection index`;
    const problem = value(item, `${at}.${k}`);
    if (problem) return problem;
  }
  return undefined;
};

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
  if (!isObject(value)) return { ok: false, reason: 'the message is not an object' };
  const type = value['type'];
  if (typeof type !== 'string' || !Object.hasOwn(MESSAGES, type)) {
    return { ok: false, reason: `unknown message type ${typeof type === 'string' ? shown(type) : `(${typeof type})`}` };
  }
  const problem = object(MESSAGES[type as WebviewToHost['type']])(value, type);
  return problem ? { ok: false, reason: problem } : { ok: true, message: value as unknown as WebviewToHost };
}
