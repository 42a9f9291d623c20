// The one setting a node shows under its name (topic, queue, table, host), with secrets masked.

import { maskSecretReferences } from '../../flow/secret-mask';

/** `scheme://user:pass@host:port/path?query` -> `host:port/path`, dropping credentials and query. */
export function hostOf(url: string, withPath: boolean): string {
  const withoutScheme = url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const slash = withoutScheme.indexOf('/');
  const authority = slash === -1 ? withoutScheme : withoutScheme.slice(0, slash);
  const rest = slash === -1 ? '' : withoutScheme.slice(slash).replace(/[?#].*$/, '');
  const at = authority.lastIndexOf('@');
  const host = at === -1 ? authority : authority.slice(at + 1);
  return maskSecretReferences(withPath && rest !== '/' ? host + rest : host);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** The key setting of a component of the given type, or undefined when it has none written. */
export function keySetting(type: string | undefined, props: Readonly<Record<string, unknown>>): string | undefined {
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
