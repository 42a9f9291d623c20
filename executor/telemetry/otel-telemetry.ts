// Tracing on: each hop as OpenTelemetry spans (process on the source side, send/client on the target's), batched to an exporter.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace, type Attributes, type Span, type SpanContext, type Tracer } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';
import type { Delivery, SourceMessage, SpanAttributes, SpanShape } from '../connectors/connector';
import { errorClassOf } from '../retry-schedule';
import { newSpanId, newTraceId, type TraceContext } from '../tracing';
import type { ExportReport, HopOutcome, HopShapes, HopSpan, Telemetry } from './hop-telemetry';

const KINDS = { consumer: SpanKind.CONSUMER, producer: SpanKind.PRODUCER, client: SpanKind.CLIENT } as const;

/** How long a flush may take before the spans still queued count as dropped: a dead collector never holds up a run. */
const FLUSH_LIMIT_MS = 10_000;

/** Counts what the exporter got through and what it did not (a collector down answers with an error, not an exception). */
class CountingExporter implements SpanExporter {
  exported = 0;
  firstError: string | undefined;

  constructor(private readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code === ExportResultCode.SUCCESS) this.exported += spans.length;
      else this.firstError ??= result.error?.message ?? 'the export failed';
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

export interface OtelTelemetryOptions {
  readonly exporter: SpanExporter;
  readonly serviceName: string;
  /** Named in the drop count's log line. */
  readonly destination: string;
}

export class OtelTelemetry implements Telemetry {
  private readonly provider: TracerProvider;
  private readonly tracer: Tracer;
  private readonly counting: CountingExporter;
  /** Spans ended (handed to the batch processor) and exported, at the last report. */
  private ended = 0;
  private reported = { ended: 0, exported: 0 };
  private readonly shapes = new WeakMap<HopShapes, PreparedHop>();

  constructor(private readonly options: OtelTelemetryOptions) {
    this.counting = new CountingExporter(options.exporter);
    this.provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': options.serviceName }),
      // The ids the journal and `flowtracer trace` know: one generator for both.
      idGenerator: { generateTraceId: () => this.takeTraceId(), generateSpanId: newSpanId },
      spanProcessors: [new BatchSpanProcessor({ exporter: this.counting, maxQueueSize: 16_384, maxExportBatchSize: 1024, scheduledDelayMillis: 1000, exportTimeoutMillis: FLUSH_LIMIT_MS })],
    });
    this.tracer = this.provider.getTracer('flowtracer');
  }

  /** The trace id the next root span takes (`startHop`'s for a message without one), handed over within one synchronous call. */
  private nextTraceId: string | undefined;

  private takeTraceId(): string {
    const id = this.nextTraceId ?? newTraceId();
    this.nextTraceId = undefined;
    return id;
  }

  startHop(shapes: HopShapes | undefined, message: SourceMessage, incoming: TraceContext | undefined, traceId?: string): HopSpan {
    const { source, target, redact } = this.prepared(shapes);
    this.nextTraceId = incoming ? undefined : traceId;
    const remote: SpanContext | undefined = incoming && { traceId: incoming.traceId, spanId: incoming.spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true };
    // The message's own context is its parent (one trace per message across every hop) and, as the messaging conventions ask, a link.
    const process = this.tracer.startSpan(source.name, {
      kind: source.kind,
      attributes: withMessage(source, message, redact),
      ...(remote ? { links: [{ context: remote }] } : {}),
    }, remote ? trace.setSpanContext(ROOT_CONTEXT, remote) : ROOT_CONTEXT);
    this.nextTraceId = undefined;
    const send = target && this.tracer.startSpan(target.name, { kind: target.kind, attributes: withMessage(target, message, redact) }, trace.setSpan(ROOT_CONTEXT, process));
    return new TracedHop(process, send, target?.shape, redact, () => (this.ended += send ? 2 : 1));
  }

  /** A connection's span shapes with their fixed attributes cleaned and redacted once, not per message. */
  private prepared(shapes: HopShapes | undefined): PreparedHop {
    const key = shapes ?? UNSHAPED;
    let prepared = this.shapes.get(key);
    if (!prepared) {
      const redact = shapes?.redact ?? ((text: string) => text);
      const common: SpanAttributes = shapes ? { 'flowtracer.run.id': shapes.runId, 'flowtracer.connection': shapes.connection } : {};
      const prepare = (shape: SpanShape): PreparedShape => ({ shape, name: shape.name, kind: KINDS[shape.kind], fixed: clean({ ...shape.attributes, ...common }, redact) });
      prepared = { source: prepare(shapes?.source ?? { name: 'process', kind: 'consumer', attributes: {} }), ...(shapes?.target ? { target: prepare(shapes.target) } : {}), redact };
      this.shapes.set(key, prepared);
    }
    return prepared;
  }

  async flush(): Promise<ExportReport | undefined> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.provider.forceFlush().catch(() => undefined),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, FLUSH_LIMIT_MS))),
    ]);
    clearTimeout(timer);
    const ended = this.ended - this.reported.ended;
    const exported = this.counting.exported - this.reported.exported;
    this.reported = { ended: this.ended, exported: this.counting.exported };
    const error = this.counting.firstError;
    this.counting.firstError = undefined;
    return { dropped: Math.max(0, ended - exported), exported, destination: this.options.destination, ...(error ? { error } : {}) };
  }

  async shutdown(): Promise<ExportReport | undefined> {
    const report = await this.flush();
    await this.provider.shutdown().catch(() => undefined);
    return report;
  }
}

interface PreparedShape {
  readonly shape: SpanShape;
  readonly name: string;
  readonly kind: SpanKind;
  readonly fixed: Attributes;
}

interface PreparedHop {
  readonly source: PreparedShape;
  readonly target?: PreparedShape;
  readonly redact: (text: string) => string;
}

const UNSHAPED: HopShapes = { runId: '', connection: '', source: { name: 'process', kind: 'consumer', attributes: {} }, redact: (text) => text };

/** The fixed attributes and what this message adds (cleaned and redacted), in one new object. */
function withMessage(prepared: PreparedShape, message: SourceMessage, redact: (text: string) => string): Attributes {
  const out: Attributes = { ...prepared.fixed };
  const own = prepared.shape.message?.(message);
  if (own) addClean(out, own, redact);
  return out;
}

class TracedHop implements HopSpan {
  readonly context: TraceContext;

  constructor(
    private readonly process: Span,
    private readonly send: Span | undefined,
    private readonly target: SpanShape | undefined,
    private readonly redact: (text: string) => string,
    private readonly onEnd: () => void,
  ) {
    const { traceId, spanId } = (send ?? process).spanContext();
    this.context = { traceId, spanId };
  }

  retrying(attempt: number, waitMs: number, error: unknown): void {
    (this.send ?? this.process).addEvent('retry', clean({
      'flowtracer.retry.attempt': attempt,
      'flowtracer.retry.wait_ms': waitMs,
      'error.type': errorType(error),
      'exception.message': error instanceof Error ? error.message : String(error),
    }, this.redact));
  }

  delivered(delivery: Delivery | undefined, inDoubt: boolean): void {
    if (this.send && delivery) this.send.setAttributes(clean({ ...this.target?.delivered?.(delivery), ...(inDoubt ? { 'flowtracer.in_doubt': true } : {}) }, this.redact));
    this.end({ 'flowtracer.outcome': delivery ? 'delivered' : 'dry-run' });
  }

  parked(reason: string, error: unknown): void {
    const status = { code: SpanStatusCode.ERROR, message: this.redact(reason) };
    const type = errorType(error);
    for (const span of [this.send, this.process]) {
      span?.setStatus(status);
      span?.setAttribute('error.type', type);
    }
    this.end({ 'flowtracer.outcome': 'parked' });
  }

  ended(outcome: HopOutcome): void {
    this.end({ 'flowtracer.outcome': outcome });
  }

  private end(attributes: Attributes): void {
    this.send?.end();
    this.process.setAttributes(attributes);
    this.process.end();
    this.onEnd();
  }
}

/** `error.type`: the class retries match on (timeout, connection, 5xx…); `validation` for a payload the schema refused. */
function errorType(error: unknown): string {
  return error === undefined ? 'validation' : errorClassOf(error);
}

function clean(attributes: SpanAttributes, redact: (text: string) => string): Attributes {
  return addClean({}, attributes, redact);
}

function addClean(out: Attributes, attributes: SpanAttributes, redact: (text: string) => string): Attributes {
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== undefined) out[key] = typeof value === 'string' ? redact(value) : value;
  }
  return out;
}
