// How the CLI shows executor events: JSON lines, a live progress line on a terminal, or plain lines.
import type { EventSink, ExecutorEvent } from '../protocol/executor-events';

export type OutputStyle = 'json' | 'tty' | 'plain';

export function outputStyle(json: boolean, stream: NodeJS.WriteStream = process.stderr): OutputStyle {
  return json ? 'json' : stream.isTTY ? 'tty' : 'plain';
}

/** Formats one event as a plain line, or undefined for events too fine-grained to print. */
function eventLine(event: ExecutorEvent): string | undefined {
  switch (event.type) {
    case 'run-started':
      return `run ${event.runId}: ${event.flow} (${event.mode}) started`;
    case 'component-status':
      return `  ${event.component}: ${event.status}${event.reason ? ` (${event.reason})` : ''}`;
    case 'message-parked':
      return `  parked ${event.key ?? event.sourcePosition} on ${event.connection}: ${event.error}`;
    case 'log':
      return event.level === 'debug' ? undefined : `  ${event.level}: ${event.message}`;
    case 'run-finished': {
      const rows = event.reconciliation.map((r) => `  ${r.connection}: read ${r.read} = delivered ${r.delivered} + parked ${r.parked} + filtered ${r.filtered}${r.balanced ? '' : '  MISMATCH'}`);
      return [...rows, `run ${event.runId}: ${event.status} in ${(event.durationMs / 1000).toFixed(1)}s${event.error ? `: ${event.error}` : ''}`].join('\n');
    }
    default:
      return undefined;
  }
}

/** An event sink writing to stdout (JSON) or stderr (human output), with a live progress line on a TTY. */
export function cliSink(style: OutputStyle, out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): EventSink {
  const progress = new Map<string, string>();
  let live = false;
  return (event) => {
    if (style === 'json') {
      out.write(`${JSON.stringify(event)}\n`);
      return;
    }
    if (event.type === 'connection-progress') {
      if (style !== 'tty') return;
      const c = event.counts;
      progress.set(event.connection, `${event.connection} ${c.delivered}/${c.read}${c.parked ? ` parked ${c.parked}` : ''}`);
      err.write(`\r\x1b[K${[...progress.values()].join(' | ')}`);
      live = true;
      return;
    }
    const line = eventLine(event);
    if (line === undefined) return;
    if (live) {
      err.write('\r\x1b[K');
      live = false;
    }
    err.write(`${line}\n`);
  };
}
