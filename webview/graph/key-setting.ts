// The one setting a node shows under its name (its type's headline: topic, queue, table, host): env references as their defaults, secrets masked.
import { componentTypes } from '../../flow/component-types';
import { flowSchema, type FlowSchema } from '../../flow/schema';
import { isSecretComponent, MASK, maskEnvDefaults, maskSecretReferences } from '../../flow/secret-mask';
import { hostOf as urlHost } from '../../flow/url-host';
import { scanValueReferences } from '../../flow/value-references';

/**
 * What a value reads as when the flow runs with nothing set: `${env:X:-default}` as its default, secrets masked
 * (the webview sees no environment, so `${env:X}` without a default stays as written).
 */
function shownValue(value: string, secretComponent = false): string {
  const { references } = scanValueReferences(value);
  let out = '';
  let from = 0;
  for (const ref of references) {
    out += value.slice(from, ref.start);
    from = ref.end;
    out += ref.source === 'secret' ? MASK : secretComponent && ref.fallback !== undefined ? MASK : (ref.fallback ?? value.slice(ref.start, ref.end));
  }
  return maskSecretReferences(out + value.slice(from));
}

/** Each setting whose value holds an `${env:…}` reference, as `key: value` with secrets masked (the node's tooltip). */
export function envReferences(props: Readonly<Record<string, unknown>>): string[] {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(props)) {
    const values = typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
    const written = values.filter((v) => v.includes('${env:')).map((v) => (isSecretComponent(props) ? maskEnvDefaults(v) : v));
    if (written.length > 0) lines.push(`${key}: ${written.map(maskSecretReferences).join(', ')}`);
  }
  return lines;
}

/** The URL's host (and path) by flow/url-host.ts, with secrets masked. */
export function hostOf(url: string, withPath: boolean): string {
  return maskSecretReferences(urlHost(url, withPath));
}

/**
 * The key setting of a component of the given type: the first of its type's headline settings written
 * (`topic orders`; a URL as its host and path, after the `method` of a type that has one), or undefined
 * when none is. A type the schema does not define shows its URL's host.
 */
export function keySetting(type: string | undefined, props: Readonly<Record<string, unknown>>, root: FlowSchema = flowSchema): string | undefined {
  const secret = isSecretComponent(props);
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? shownValue(value, secret) : typeof value === 'number' ? String(value) : undefined);
  const facts = componentTypes(root).facts(type);
  if (!facts) {
    const url = text(props.url);
    return url === undefined ? undefined : hostOf(url, false);
  }
  for (const key of facts.headline) {
    const value = text(props[key]);
    if (value === undefined) continue;
    if (key !== 'url') return maskSecretReferences(`${key} ${value}`);
    const method = facts.schema.properties?.method !== undefined ? text(props.method) : undefined;
    return `${method ? `${maskSecretReferences(method.toUpperCase())} ` : ''}${hostOf(value, true)}`;
  }
  return undefined;
}
