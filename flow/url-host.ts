// The host (and optionally path) of a component's URL, without credentials or query: what the diagram and hovers show of it.

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/** `scheme://user:pass@host:port/path?query` -> `host:port` (`withPath`: `host:port/path`). */
export function hostOf(url: string, withPath: boolean): string {
  const withoutScheme = url.replace(SCHEME, '');
  const slash = withoutScheme.indexOf('/');
  const authority = (slash === -1 ? withoutScheme : withoutScheme.slice(0, slash)).replace(/[?#].*$/, '');
  const rest = slash === -1 ? '' : withoutScheme.slice(slash).replace(/[?#].*$/, '');
  const at = authority.lastIndexOf('@');
  const host = at === -1 ? authority : authority.slice(at + 1);
  return withPath && rest !== '/' ? host + rest : host;
}

/** Whether `text` is written as a URL with a scheme (`amqp://…`). */
export function hasScheme(text: string): boolean {
  return SCHEME.test(text);
}
