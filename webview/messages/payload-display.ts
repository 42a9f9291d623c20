// How the Messages panel shows a payload: pretty-printed JSON, else its text, else (binary) a hex dump. Pure, no DOM.
import type { MessageView } from '../../protocol/executor-events';

export interface PayloadDisplay {
  readonly kind: 'json' | 'text' | 'hex';
  readonly text: string;
  /** Bytes of the payload. */
  readonly size: number;
}

/** Bytes shown in a hex dump (a longer payload is cut, with its size said). */
const HEX_SHOWN = 4096;

export function payloadDisplay(message: Pick<MessageView, 'value' | 'valueBase64'>): PayloadDisplay {
  if (message.value !== undefined) {
    const size = new TextEncoder().encode(message.value).length;
    try {
      const parsed: unknown = JSON.parse(message.value);
      if (typeof parsed === 'object' && parsed !== null) return { kind: 'json', text: JSON.stringify(parsed, null, 2), size };
    } catch {
      // Not JSON: shown as the text it is.
    }
    return { kind: 'text', text: message.value, size };
  }
  const bytes = Uint8Array.from(atob(message.valueBase64 ?? ''), (c) => c.charCodeAt(0));
  return { kind: 'hex', text: hexDump(bytes.subarray(0, HEX_SHOWN)) + (bytes.length > HEX_SHOWN ? `\n… ${bytes.length - HEX_SHOWN} more bytes` : ''), size: bytes.length };
}

/** 16 bytes a line: offset, hex, and the printable ASCII. */
export function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let at = 0; at < bytes.length; at += 16) {
    const row = [...bytes.subarray(at, at + 16)];
    const hex = row.map((b) => b.toString(16).padStart(2, '0')).join(' ').padEnd(47, ' ');
    const ascii = row.map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${at.toString(16).padStart(8, '0')}  ${hex}  ${ascii}`);
  }
  return lines.join('\n');
}

/** Where the message sits: `partition 0 · offset 12` for Kafka, `routing key k` for RabbitMQ, else its source. */
export function positionText(message: MessageView): string {
  if (message.partition !== undefined) return `partition ${message.partition} · offset ${message.offset ?? '?'}`;
  if (message.routingKey !== undefined) return `${message.exchange ? `exchange ${message.exchange} · ` : ''}routing key ${message.routingKey || '(none)'}`;
  return message.source;
}
