// The one setting a node shows under its name (topic, queue, table, host): env references as their defaults, secrets masked.
import { isSecretComponent, MASK, maskEnvDefaults, maskSecretReferences } from '../../flow/secret-mask';
import { hostOf as urlHost } from '../../flow/url-host';
import { scanValueReferences } from '../../flow/value-references';

/**
 * What a value reads as when the flow runs with nothing set: `${env:X:-default}` as its default, secrets masked
 * (the webview sees no environment, so `${env:X}` without a default stays as written).
 */
export function shownValue(value: string, secretComponent = false): string {
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

/** The key setting of a component of the given type, or undefined when it has none written. */
export function keySetting(type: string | undefined, props: Readonly<Record<string, unknown>>): string | undefined {
  const secret = isSecretComponent(props);
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? shownValue(value, secret) : typeof value === 'number' ? String(value) : undefined);
  const url = text(props.url);
  switch (type) {
    case 'kafka': {
      const topic = text(props.topic);
      return topic === undefined ? undefined : maskSecretReferences(`topic ${topic}`);
    }
    case 'mq': {
      const queue = text(props.queue) ?? text(props.exchange);
      return queue === undefined ? undefined : maskSecretReferences(`${props.queue !== undefined ? 'queue' : 'exchange'} ${queue}`);
    }
    case 'database': {
      const table = text(props.table);
      if (table !== undefined) return maskSecretReferences(`table ${table}`);
      return url === undefined ? undefined : hostOf(url, true);
    }
    case 'service':
    case 'api': {
      if (url === undefined) return undefined;
      const method = text(props.method);
      return `${method ? `${maskSecretReferences(method.toUpperCase())} ` : ''}${hostOf(url, true)}`;
    }
    default:
      return url === undefined ? undefined : hostOf(url, false);
  }
}
