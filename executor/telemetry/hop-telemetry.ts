// What the engine asks of tracing: a span per side of each message hop. Untraced (the default), only the context the message travels on.
import type { Delivery, SourceMessage, SpanShape } from '../connectors/connector';
import { newSpanId, newTraceId, type TraceContext } from '../tracing';

/** How a connection's hops look to a tracing system: its source's span and its target's (absent in a dry run). */
export interface HopShapes {
  readonly runId: string;
  readonly connection: string;
  readonly source: SpanShape;
  readonly target?: SpanShape;
  /** The run's Redactor: every string attribute, event and status passes through it. */
  readonly redact: (text: string) => string;
}

/** How a hop ended without being delivered or parked. */
export type HopOutcome = 'filtered' | 'unsent' | 'aborted';

/** One message's hop, from being read to its outcome. */
export interface HopSpan {
  /** The context the message travels on to its target (its `traceparent`): the target side's span. */
  readonly context: TraceContext;
  /** An attempt failed and the next one follows after `waitMs`. */
  retrying(attempt: number, waitMs: number, error: unknown): void;
  /** The target confirmed it (`undefined`: a dry run, nothing written). */
  delivered(delivery: Delivery | undefined, inDoubt: boolean): void;
  /** Parked in the journal: the spans end with an error status. */
  parked(reason: string, error: unknown): void;
  ended(outcome: HopOutcome): void;
}

/** What was not exported since the last report: spans dropped (a collector down or too slow). */
export interface ExportReport {
  readonly dropped: number;
  readonly exported: number;
  /** The first export error, for the one log line that counts the drops. */
  readonly error?: string;
  /** Where the spans go, e.g. `zipkin at http://127.0.0.1:9411/api/v2/spans`. */
  readonly destination: string;
}

export interface Telemetry {
  /**
   * Starts a message's hop; `incoming` is the context it came with (its parent, and linked).
   * `traceId`: the trace to start for a message that came without one (default: a new random one).
   */
  startHop(shapes: HopShapes | undefined, message: SourceMessage, incoming: TraceContext | undefined, traceId?: string): HopSpan;
  /** Exports what has ended (bounded in time) and reports what could not be, since the last report. */
  flush(): Promise<ExportReport | undefined>;
  /** Flushes, then stops exporting. */
  shutdown(): Promise<ExportReport | undefined>;
}

/** A hop no span records: the trace continued with a new span id, as the journal and `trace` know it. */
class UntracedHop implements HopSpan {
  readonly context: TraceContext;

  constructor(incoming: TraceContext | undefined, traceId: string | undefined) {
    this.context = { traceId: incoming?.traceId ?? traceId ?? newTraceId(), spanId: newSpanId() };
  }

  retrying(): void {}
  delivered(): void {}
  parked(): void {}
  ended(): void {}
}

/** Tracing off: nothing is recorded or exported. */
export const NO_TELEMETRY: Telemetry = {
  startHop: (_shapes, _message, incoming, traceId) => new UntracedHop(incoming, traceId),
  flush: () => Promise.resolve(undefined),
  shutdown: () => Promise.resolve(undefined),
};
