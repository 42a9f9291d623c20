// Which hosts a flow touches once its values are resolved, and which of them are not local (a run confirms before touching those).
import type { FlowModel } from '../../flow/model';
import { type EnvMap, MissingValueError, resolveString } from '../../flow/resolve-values';
import { scanValueReferences } from '../../flow/value-references';

export const DEFAULT_LOCAL_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '::1'];

/** Where the values come from: the same env the executor child gets and the same secrets it will be given. */
export interface HostValueSources {
  readonly env: EnvMap;
  secret(name: string): Promise<string | undefined>;
}

/** A host a component connects to: `host` is what is checked, `shown` what the confirmation says (never a secret's value). */
export interface FlowHost {
  /** The resolved host, lower case; undefined when the address names none that can be read (never local then). */
  readonly host: string | undefined;
  readonly shown: string;
}

/**
 * The hosts of a resolved URL or `host:port` broker address (a comma list of them too). A PostgreSQL URL's
 * `?host=` wins over its authority, so both count; without a host it connects to `PGHOST` (else localhost),
 * and RabbitMQ to localhost. Empty when nothing in it reads as a host.
 */
export function hostsOf(address: string, env: EnvMap = {}): string[] {
  const hosts: string[] = [];
  for (const part of address.includes('://') ? [address] : address.split(',')) {
    const text = part.trim();
    if (text.includes('://')) {
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        continue;
      }
      const hostname = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
      if (hostname) hosts.push(hostname);
      else if (/^postgres(ql)?:$/.test(url.protocol) && !url.searchParams.has('host')) hosts.push(...(env['PGHOST'] || 'localhost').split(',').map((h) => h.trim().toLowerCase()));
      else if (/^amqps?:$/.test(url.protocol)) hosts.push('localhost');
      for (const param of url.searchParams.getAll('host')) hosts.push(...param.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean));
      continue;
    }
    const bracketed = /^\[([^\]]+)\]/.exec(text);
    const host = bracketed ? bracketed[1]! : text.split(':')[0]!;
    if (host) hosts.push(host.toLowerCase());
  }
  return hosts;
}

export function isLocalHost(host: string, localHosts: readonly string[]): boolean {
  const h = host.toLowerCase();
  return localHosts.some((l) => l.toLowerCase() === h) || /^127\./.test(h);
}

/** Every host the flow's components name, values resolved, in document order. */
export async function hostsOfFlow(model: FlowModel, sources: HostValueSources): Promise<FlowHost[]> {
  const hosts: FlowHost[] = [];
  const add = (host: FlowHost) => {
    if (!hosts.some((h) => h.host === host.host && h.shown === host.shown)) hosts.push(host);
  };
  for (const c of model.components) {
    const addresses = [c.props['url'], ...(Array.isArray(c.props['brokers']) ? c.props['brokers'] : [])];
    for (const address of addresses) {
      if (typeof address === 'string') for (const host of await hostsOfAddress(address, c.name, sources)) add(host);
    }
  }
  return hosts;
}

/** What the confirmation lists: every host that is not local, and every address that names no host FlowTracer can read. */
export async function nonLocalHosts(model: FlowModel, localHosts: readonly string[], sources: HostValueSources): Promise<string[]> {
  const shown: string[] = [];
  for (const h of await hostsOfFlow(model, sources)) {
    if ((h.host === undefined || !isLocalHost(h.host, localHosts)) && !shown.includes(h.shown)) shown.push(h.shown);
  }
  return shown;
}

async function hostsOfAddress(address: string, component: string, sources: HostValueSources): Promise<FlowHost[]> {
  let resolved: string;
  try {
    resolved = await resolveString(address, { env: sources.env, secret: (name) => sources.secret(name), owner: `component ${component}` });
  } catch (error) {
    if (!(error instanceof MissingValueError)) throw error;
    // Resolved with the very env and secrets the executor gets, a missing value is missing there too: it resolves
    // every planned component before it connects anywhere, so the run is refused with this message before any
    // connection, and an address without its value cannot be connected to. Asking about it would only add a dialog.
    return [];
  }
  const hosts = hostsOf(resolved, sources.env);
  if (hosts.length === 0) return [{ host: undefined, shown: `an unreadable address (component ${component})` }];
  const secrets = scanValueReferences(address).references.filter((r) => r.source === 'secret').map((r) => r.name);
  if (secrets.length === 0) return hosts.map((host) => ({ host, shown: host }));
  // A host is shown only when it reads the same without the secrets' values: one that depends on a secret is checked, not shown.
  const blind = await resolveString(address, { env: sources.env, secret: (name) => Promise.resolve(`flowtracer-secret-${name}`), owner: `component ${component}` });
  const visible = new Set(hostsOf(blind, sources.env));
  const hidden = `a host from ${secrets.map((s) => `\${secret:${s}}`).join(', ')} (component ${component}, not shown)`;
  return hosts.map((host) => ({ host, shown: visible.has(host) ? host : hidden }));
}
