// Follows one run's executor events: the log lines they make, the progress text, and the totals the run ends with (pure).
import { deliveredText } from '../../protocol/delivery-wording';
import type { ExecutorEvent } from '../../protocol/executor-events';
import type { ExecutorOutcome } from '../executor/executor-process';
import { headerLine, RunLogFormatter, type LogLine, type RunHeader } from './run-log-lines';

/** What the run's status bar item shows (tests read it; the item itself cannot be read back). */
export interface RunStatusBarState {
  readonly visible: boolean;
  readonly text: string;
  readonly tooltip: string;
  readonly command: string | undefined;
}

export type RunStatusText = Omit<RunStatusBarState, 'visible'>;

const RUNNING_TOOLTIP = 'FlowTracer run in progress: click to stop';

export interface ObservedEvent {
  readonly lines: readonly LogLine[];
  /** Set on a connection's progress: `A -> B: 3/5` (`would deliver` in a dry run). */
  readonly progress?: string;
}

export class RunTally {
  private readonly formatter: RunLogFormatter;
  private readonly delivered = new Map<string, number>();
  private readonly parked = new Map<string, number>();
  /** The executor says the run's mode as it starts (a flow's own default may be dry-run). */
  private dryRun: boolean;

  constructor(
    private readonly header: RunHeader,
    now?: () => number,
  ) {
    this.formatter = new RunLogFormatter(now);
    this.dryRun = header.mode === 'dry-run';
  }

  observe(event: ExecutorEvent): ObservedEvent {
    const lines: LogLine[] = [];
    if (event.type === 'run-started') {
      this.dryRun = event.mode === 'dry-run';
      lines.push(headerLine(this.header, event.runId));
    }
    const line = this.formatter.format(event);
    if (line) lines.push(line);
    if (event.type === 'connection-progress') {
      this.delivered.set(event.connection, event.counts.delivered);
      this.parked.set(event.connection, event.counts.parked);
      return { lines, progress: `${event.connection}: ${this.dryRun ? 'would deliver ' : ''}${event.counts.delivered}/${event.counts.read}` };
    }
    if (event.type === 'run-finished') {
      for (const r of event.reconciliation) {
        this.delivered.set(r.connection, r.delivered);
        this.parked.set(r.connection, r.parked);
      }
    }
    return { lines };
  }

  startingStatus(): RunStatusText {
    return { text: `$(sync~spin) ${this.header.flow}: starting`, tooltip: RUNNING_TOOLTIP, command: 'flowtracer.stopRun' };
  }

  runningStatus(progress: string): RunStatusText {
    return { text: `$(sync~spin) ${this.header.flow} ${progress}`, tooltip: RUNNING_TOOLTIP, command: 'flowtracer.stopRun' };
  }

  /** How the run ended, with what it delivered and parked over every connection. */
  finishedStatus(outcome: ExecutorOutcome): RunStatusText {
    const flow = this.header.flow;
    const icon = outcome.status === 'succeeded' ? '$(pass)' : outcome.status === 'failed' ? '$(error)' : '$(debug-stop)';
    const parked = total(this.parked);
    const counts = outcome.runId ? ` · ${deliveredText(total(this.delivered), this.dryRun)}${parked > 0 ? `, ${parked} parked` : ''}` : '';
    const tooltip = outcome.runId ? `FlowTracer run ${outcome.runId} of ${flow} ${outcome.status}: click for the log` : `${flow} did not start: click for the log`;
    return { text: `${icon} ${flow}: ${outcome.status}${counts}`, tooltip, command: 'flowtracer.showLogs' };
  }

  crashedStatus(): RunStatusText {
    return { text: `$(error) ${this.header.flow}: the executor stopped unexpectedly`, tooltip: 'The FlowTracer run ended without finishing: click for the log', command: 'flowtracer.showLogs' };
  }

  /** The sentence for the user when the run did not succeed; undefined when it did. */
  failureMessage(outcome: ExecutorOutcome): string | undefined {
    if (outcome.status === 'succeeded') return undefined;
    const flow = this.header.flow;
    return outcome.runId ? `Run ${outcome.runId} of ${flow} ${outcome.status}${outcome.error ? `: ${outcome.error}` : ''}.` : `${flow} did not start: ${outcome.error ?? 'the executor refused it'}.`;
  }
}

function total(counts: ReadonlyMap<string, number>): number {
  let sum = 0;
  for (const n of counts.values()) sum += n;
  return sum;
}
