// One message of the Messages panel as a card: key, position, timestamp, redelivered flag, headers and payload.
import type { MessageView } from '../../protocol/executor-events';
import { payloadDisplay, positionText } from './payload-display';

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The trace id of a message's W3C traceparent header, if it has one. */
export function traceIdOf(message: MessageView): string | undefined {
  return /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(message.headers['traceparent'] ?? '')?.[1];
}

export function messageCard(message: MessageView, index: number, openTrace: (traceId: string) => void): HTMLElement {
  const card = element('article', 'message');
  card.dataset.key = message.key ?? '';
  const head = element('header', 'message-head');
  head.append(
    element('span', 'message-index', `#${index + 1}`),
    element('span', 'message-key', message.key === null ? 'key (none)' : `key ${message.key}`),
    element('span', 'message-position', positionText(message)),
  );
  if (message.timestamp) head.append(element('span', 'message-time', message.timestamp));
  if (message.redelivered) head.append(element('span', 'message-redelivered', 'redelivered'));
  const traceId = traceIdOf(message);
  if (traceId) {
    const button = element('button', 'message-trace secondary', 'Open Trace');
    button.type = 'button';
    button.title = `Trace ${traceId} in the trace UI`;
    button.addEventListener('click', () => openTrace(traceId));
    head.append(button);
  }
  card.append(head);
  const headers = Object.entries(message.headers);
  if (headers.length > 0) {
    const list = element('dl', 'message-headers');
    for (const [name, value] of headers) list.append(element('dt', '', name), element('dd', '', value));
    card.append(list);
  }
  const payload = payloadDisplay(message);
  const body = element('pre', `message-payload payload-${payload.kind}`, payload.text);
  body.title = `${payload.kind === 'hex' ? 'binary' : payload.kind === 'json' ? 'JSON' : 'text'}, ${payload.size} bytes`;
  card.append(body);
  return card;
}
