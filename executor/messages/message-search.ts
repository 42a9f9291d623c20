// What `browse --grep/--key/--header` and the Messages panel's search keep: pure matching on a browsed message.
import type { FlowMessage } from '../connectors/connector';

export interface MessageSearch {
  /** Found in the payload's text, the key, or a header's name or value (case-insensitive). */
  readonly text?: string;
  /** The key, exactly. */
  readonly key?: string;
  /** `name=value` (exact) or `name` (present). */
  readonly header?: string;
}

export function matchesSearch(message: FlowMessage, search: MessageSearch): boolean {
  if (search.key !== undefined && message.key !== search.key) return false;
  if (search.header !== undefined) {
    const at = search.header.indexOf('=');
    const name = at < 0 ? search.header : search.header.slice(0, at);
    const value = message.headers[name];
    if (value === undefined || (at >= 0 && value !== search.header.slice(at + 1))) return false;
  }
  if (search.text !== undefined && search.text !== '') {
    const needle = search.text.toLowerCase();
    const haystacks = [message.value.toString('utf8'), message.key ?? '', ...Object.entries(message.headers).flat()];
    if (!haystacks.some((h) => h.toLowerCase().includes(needle))) return false;
  }
  return true;
}

export function isEmptySearch(search: MessageSearch): boolean {
  return !search.text && search.key === undefined && search.header === undefined;
}
