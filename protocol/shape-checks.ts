// Small checks of a value against a declared shape, for messages that arrive from a webview (each returns the problem, or undefined).

export type Check = (value: unknown, at: string) => string | undefined;
export type Fields = Readonly<Record<string, Check>>;

export const string: Check = (v, at) => (typeof v === 'string' ? undefined : `${at} is not a string`);
export const number: Check = (v, at) => (typeof v === 'number' && Number.isFinite(v) ? undefined : `${at} is not a number`);
export const integer: Check = (v, at) => (Number.isSafeInteger(v) && (v as number) >= 0 ? undefined : `${at} is not a whole number`);
export const boolean: Check = (v, at) => (typeof v === 'boolean' ? undefined : `${at} is not true or false`);
export const optional = (check: Check): Check => (v, at) => (v === undefined ? undefined : check(v, at));
export const oneOf = (...allowed: readonly string[]): Check => (v, at) => (allowed.includes(v as string) ? undefined : `${at} is not one of ${allowed.join(', ')}`);

/** A list whose items pass `item`, of at most `max` items. */
export const list = (item: Check, max = Number.MAX_SAFE_INTEGER): Check => (v, at) => {
  if (!Array.isArray(v)) return `${at} is not a list`;
  if (v.length > max) return `${at} has more than ${max} items`;
  for (const [i, value] of v.entries()) {
    const problem = item(value, `${at}[${i}]`);
    if (problem) return problem;
  }
  return undefined;
};

/** A name from the webview, cut short for the log line. */
export function shown(key: string): string {
  return JSON.stringify(key.length > 60 ? `${key.slice(0, 60)}…` : key);
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An object with exactly these fields (absent optional ones allowed); a field it does not declare is refused. */
export const object = (fields: Fields): Check => (v, at) => {
  if (!isObject(v)) return `${at} is not an object`;
  for (const key of Object.keys(v)) if (!Object.hasOwn(fields, key)) return `${at} has an undeclared field ${shown(key)}`;
  for (const [key, check] of Object.entries(fields)) {
    const problem = check(v[key], `${at}.${key}`);
    if (problem) return problem;
  }
  return undefined;
};

/** A record whose keys match `key` and whose values pass `value`. */
export const record = (value: Check, key: (k: string) => boolean = () => true): Check => (v, at) => {
  if (!isObject(v)) return `${at} is not an object`;
  for (const [k, item] of Object.entries(v)) {
    if (!key(k)) return `${at} has a key ${shown(k)} that is not a connection index`;
    const problem = value(item, `${at}.${k}`);
    if (problem) return problem;
  }
  return undefined;
};

export type Checked<T> = { readonly ok: true; readonly message: T } | { readonly ok: false; readonly reason: string };

/** Checks a message by its `type` against one declared shape per type: the message as `T`, or why it is not one. */
export function checkByType<T extends { readonly type: string }>(shapes: Readonly<Record<T['type'], Fields>>, value: unknown): Checked<T> {
  if (!isObject(value)) return { ok: false, reason: 'the message is not an object' };
  const type = value['type'];
  if (typeof type !== 'string' || !Object.hasOwn(shapes, type)) {
    return { ok: false, reason: `unknown message type ${typeof type === 'string' ? shown(type) : `(${typeof type})`}` };
  }
  const problem = object(shapes[type as T['type']])(value, type);
  return problem ? { ok: false, reason: problem } : { ok: true, message: value as unknown as T };
}
