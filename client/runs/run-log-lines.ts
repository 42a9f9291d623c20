// How executor events read in the "FlowTracer" log: the level and text of each line (pure).
import { deliveredTerm, deliveredText } from '../../protocol/delivery-wording';
import { durationText } from '../../protocol/duration-text';
import type { ExecutorEvent, LogLevel } from '../../protocol/executor-events';

export type LogLineLevel = LogLevel | 'trace';

export interface LogLine {
  readonly level: LogLineLevel;
  readonly text: string;
}

export interface RunHeader {
  readonly flow: string;
  readonly mode: string;
  readonly actor: string;
  readonly command: string;
}

export function headerLine(header: RunHeader, runId: string): LogLine {
  return { level: 'info', text: `=== ${header.command} ${header.flow} · mode ${header.mode} · actor ${header.actor} · run ${runId} ===` };
}

/** Tracks component start times so the end line carries its duration and counts. */
export class RunLogFormatter {
  private readonly started = new Map<string, number>();
  private readonly counts = new Map<string, { read: number; delivered: number; parked: number; filtered: number }>();
  /** A dry run delivers nothing: its counts say what it would deliver. */
  private dryRun = false;

  constructor(private readonly now: () => number = Date.now) {}

  format(event: ExecutorEvent): LogLine | undefined {
    switch (event.type) {
      case 'run-started':
        this.dryRun = event.mode === 'dry-run';
        return { level: 'info', text: `run ${event.runId} started: ${event.components.length} components` };
      case 'component-status': {
        if (event.status === 'running') {
          this.started.set(event.component, this.now());
          return { level: 'info', text: `${event.component} started` };
        }
        if (event.status === 'pending' || event.status === 'preflight') return { level: 'debug', text: `${event.component} ${event.status}` };
        const start = this.started.get(event.component);
        const c = this.countsInto(event.component);
        const duration = start === undefined ? '' : ` in ${durationText(this.now() - start)}`;
        const level: LogLineLevel = event.status === 'failed' ? 'error' : event.status === 'blocked' ? 'warn' : 'info';
        return { level, text: `${event.component} ${event.status}${duration}: ${deliveredText(c.delivered, this.dryRun)}, ${c.parked} parked, ${c.filtered} filtered${event.reason ? ` (${event.reason})` : ''}` };
      }
      case 'connection-progress':
        this.counts.set(event.connection, { ...event.counts });
        return { level: 'debug', text: `${event.connection}: ${event.counts.read} read, ${deliveredText(event.counts.delivered, this.dryRun)}, ${event.counts.parked} parked` };
      case 'message-delivered':
        return { level: 'debug', text: `${event.connection}: ${this.dryRun ? 'would deliver' : 'delivered'} ${event.key ?? '(no key)'} ${event.sourcePosition} -> ${event.targetPosition} trace ${event.traceId}` };
      case 'message-parked':
        return { level: 'warn', text: `${event.connection}: parked ${event.key ?? '(no key)'} at ${event.sourcePosition} after ${event.attempts} attempts: ${event.error}` };
      case 'message-retrying':
        return { level: 'debug', text: `${event.connection}: retrying ${event.key ?? '(no key)'} (attempt ${event.attempt}, in ${event.waitMs}ms): ${event.error}` };
      case 'log':
        return { level: event.level, text: event.component ? `${event.component}: ${event.message}` : event.message };
      case 'run-finished': {
        const lines = event.reconciliation.map((r) => `${r.connection} read ${r.read} = ${deliveredTerm(r.delivered, this.dryRun)} + parked ${r.parked} + filtered ${r.filtered}${r.balanced ? '' : ' (UNBALANCED)'}`);
        return { level: event.status === 'succeeded' ? 'info' : 'error', text: [`run ${event.runId} ${event.status} in ${durationText(event.durationMs)}${event.error ? `: ${event.error}` : ''}`, ...lines].join('\n  ') };
      }
      case 'secret-request':
        return undefined;
    }
  }

  /** The totals of the connections into a component. */
  private countsInto(component: string): { delivered: number; parked: number; filtered: number } {
    const total = { delivered: 0, parked: 0, filtered: 0 };
    for (const [connection, c] of this.counts) {
      if (connection.split(' -> ')[1]?.trim() !== component) continue;
      total.delivered += c.delivered;
      total.parked += c.parked;
      total.filtered += c.filtered;
    }
    return total;
  }
}
