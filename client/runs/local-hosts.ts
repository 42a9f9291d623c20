// Which hosts a flow touches, and which of them are not local (a run confirms before touching those).
import type { FlowModel } from '../../flow/model';

export const DEFAULT_LOCAL_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '::1'];

/** The host of a URL or a `host:port` broker address; undefined when it holds an unresolved `${...}`. */
export function hostOf(address: string): string | undefined {
  // Secrets sit in credentials, never in the host part; env values with a default are read as the default.
  const resolved = address.replace(/\$\{env:[^}:]+:-([^}]*)\}/g, '$1').replace(/\$\{secret:[^}]*\}/g, 'secret');
  if (resolved.includes('${')) return undefined;
  try {
    if (resolved.includes('://')) return new URL(resolved).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return undefined;
  }
  const bracketed = /^\[([^\]]+)\]/.exec(resolved);
  if (bracketed) return bracketed[1]!.toLowerCase();
  return resolved.split(':')[0]!.toLowerCase() || undefined;
}

export function isLocalHost(host: string, localHosts: readonly string[]): boolean {
  const h = host.toLowerCase();
  return localHosts.some((l) => l.toLowerCase() === h) || /^127\./.test(h);
}

/** Every distinct host the flow's components name, in document order. */
export function hostsOfFlow(model: FlowModel): string[] {
  const hosts: string[] = [];
  for (const c of model.components) {
    const addresses = [c.props['url'], ...(Array.isArray(c.props['brokers']) ? c.props['brokers'] : [])];
    for (const a of addresses) {
      const host = typeof a === 'string' ? hostOf(a) : undefined;
      if (host && !hosts.includes(host)) hosts.push(host);
    }
  }
  return hosts;
}

export function nonLocalHosts(model: FlowModel, localHosts: readonly string[]): string[] {
  return hostsOfFlow(model).filter((h) => !isLocalHost(h, localHosts));
}
