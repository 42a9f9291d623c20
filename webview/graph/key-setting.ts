// The one setting a node shows under its name (topic, queue, table, host), with secrets masked.

import { hostOf as urlHost } from '../../flow/url-host';

const SECRET_REFERENCE = /\$\{secret:[^}]*\}/g;
export const MASK = '•••';

/** Replaces every `${secret:NAME}` with a mask; secret values never reach the diagram. */
export function maskSecrets(value: string): string {
  return value.replace(SECRET_REFERENCE, MASK);
}

/** The URL's host (and path) by flow/url-host.ts, with secrets masked. */
export function hostOf(url: string, withPath: boolean): string {
  return maskSecrets(urlHost(url, withPath));
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
      return topic === undefined ? undefined : maskSecrets(`topic ${topic}`);
    }
    case 'mq': {
      const queue = text(props.queue) ?? text(props.exchange);
      return queue === undefined ? undefined : maskSecrets(`${props.queue !== undefined ? 'queue' : 'exchange'} ${queue}`);
    }
    case 'database': {
      const table = text(props.table);
      if (table !== undefined) return maskSecrets(`table ${table}`);
      return url === undefined ? undefined : hostOf(url, true);
    }
    case 'service':
    case 'api': {
      if (url === undefined) return undefined;
      const method = text(props.method);
      return `${method ? `${maskSecrets(method.toUpperCase())} ` : ''}${hostOf(url, true)}`;
    }
    default:
      return url === undefined ? undefined : hostOf(url, false);
  }
}
