// The one small interface every component type's connector implements; the engine knows nothing else.

/**
 * Error classes a retry strategy can match with `retryOn` / `abortOn`. `unroutable` (RabbitMQ
 * returned a publish: no queue matched) is never retried, whatever `retryOn` says.
 */
export type ErrorClass = 'timeout' | 'connection' | '4xx' | '5xx' | '429' | 'validation' | 'unroutable';

export interface ConnectorErrorOptions {
  readonly retryAfterMs?: number;
  readonly cause?: unknown;
  /** The target may have processed the request all the same (a gateway's 502/503/504): a later delivery may be a duplicate. */
  readonly inDoubt?: boolean;
}

/** A failure with a sentence for the user; `errorClass` drives retries. Never carries secrets. */
export class ConnectorError extends Error {
  constructor(
    message: string,
    readonly errorClass: ErrorClass,
    readonly options: ConnectorErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ConnectorError';
  }
}

/** One message moving through a flow. */
export interface FlowMessage {
  /** The key (Kafka key, AMQP message id, a row's key), used by `trace KEY`. */
  readonly key: string | null;
  readonly value: Buffer;
  /** Transport headers, `traceparent` included once the engine stamps it. */
  readonly headers: Readonly<Record<string, string>>;
}

/** A message as read from a source, with where it came from. */
export interface SourceMessage extends FlowMessage {
  /** The source position, e.g. `orders/0@42` for Kafka, a delivery tag for AMQP, a row number. */
  readonly position: string;
}

/** What a source yields for one run: bounded by the connection's `select`. */
export interface SourceReader {
  /** Yields messages until the `select` bound or the end; stops when the signal aborts. */
  messages(signal: AbortSignal): AsyncIterable<SourceMessage>;
  /**
   * Commits the position of a message (Kafka offset, AMQP ack): only after its target confirmed.
   * Resolves `false` when the position could not be committed and the source will deliver the
   * message again (AMQP: the channel was lost): the journal must not call it committed.
   */
  commit(message: SourceMessage): Promise<void | false>;
  /** Gives a message back without committing it (AMQP nack with requeue); a no-op where a source cannot. */
  release(message: SourceMessage): Promise<void>;
  /**
   * A message the connection's `select` does not take (a dead letter of another origin): it stays
   * at the source, and the reader moves past it (Kafka: its offset counts as done in the run's own
   * group). Without it, `release` (AMQP: given back at close).
   */
  passOver?(message: SourceMessage): Promise<void>;
  close(): Promise<void>;
}

/** Where a target confirmed a message: a Kafka offset, an AMQP confirm, a row, an HTTP status. */
export interface Delivery {
  readonly position: string;
  /** A reply body, for processing (service/api) whose output flows on downstream. */
  readonly reply?: FlowMessage;
}

export interface TargetWriter {
  /** Resolves once the target confirmed the message durable; rejects with a ConnectorError. */
  write(message: FlowMessage, signal: AbortSignal): Promise<Delivery>;
  /**
   * The key the target orders by, where it is not the message key: the row's key columns of an
   * upsert, the record key a Kafka target produces with. The runner keeps writes of one such key
   * in read order too. Null when the message has none (or cannot be read: its write will say why).
   */
  orderKey?(message: FlowMessage): string | null;
  close(): Promise<void>;
}

/** Attribute values of a span (OpenTelemetry): never a payload or a secret; undefined values are left out. */
export type SpanAttributes = Readonly<Record<string, string | number | boolean | undefined>>;

/**
 * How one side of a connection looks to a tracing system, after the OpenTelemetry semantic
 * conventions (messaging, HTTP, database): what holds for the connection, plus what each message adds.
 */
export interface SpanShape {
  /** `{operation} {destination}` (messaging), the method (HTTP), `{operation} {table}` (database). */
  readonly name: string;
  readonly kind: 'consumer' | 'producer' | 'client';
  readonly attributes: SpanAttributes;
  /** What a message adds: its partition and offset, delivery tag, message id, body size. */
  readonly message?: (message: SourceMessage) => SpanAttributes;
  /** What the target's confirmation adds: the partition and offset written, the HTTP status. */
  readonly delivered?: (delivery: Delivery) => SpanAttributes;
}

/** The connection-level settings the engine passes to a connector (select, operation, table…). */
export type ConnectionSettings = Readonly<Record<string, unknown>>;

/** What the processes of a shared run need to read one source together (a Kafka consumer group and its ends); JSON. */
export type SharedSource = Readonly<Record<string, unknown>>;

export interface Connector {
  /** The component type (flow/component-types.ts) it connects. */
  readonly type: string;
  /** Reaches the component; throws a ConnectorError naming the cause ("Kafka at localhost:9092 is unreachable"). */
  preflight(signal: AbortSignal): Promise<void>;
  openReader?(settings: ConnectionSettings, signal: AbortSignal): Promise<SourceReader>;
  /**
   * A source several executor processes can read together (`run --join`): fixes its bounds once;
   * each process then passes the result to `openReader` as `settings.shared`. `previous` is the
   * share of an interrupted run being resumed.
   */
  shareSource?(settings: ConnectionSettings, previous: SharedSource | undefined, signal: AbortSignal): Promise<SharedSource>;
  openWriter?(settings: ConnectionSettings, signal: AbortSignal): Promise<TargetWriter>;
  /** Its span as the source or the target of a connection with these settings (absent: a generic one). */
  spanShape?(role: 'source' | 'target', settings: ConnectionSettings): SpanShape;
  /** Reads messages without changing anything (no commit, no ack), for the Messages panel and `flowtracer browse`. */
  browse?(options: BrowseOptions, signal: AbortSignal): Promise<Browse>;
  close(): Promise<void>;
}

/** Where a browse starts: Kafka `earliest`, `latest` (the last `limit` of each partition), an offset or an ISO-8601 time. */
export interface BrowseOptions {
  readonly from?: string;
  readonly partitions?: readonly number[];
  /** The most messages read (before any search). */
  readonly limit: number;
}

/** A message as a browse shows it: what it carries and where it sits, nothing changed at the source. */
export interface BrowsedMessage extends FlowMessage {
  /** `topic/partition@offset`, or `queue#n` (the n-th message of the queue when browsed). */
  readonly position: string;
  readonly timestamp?: string;
  readonly partition?: number;
  readonly offset?: string;
  readonly exchange?: string;
  readonly routingKey?: string;
  /** AMQP: the broker had delivered it before. */
  readonly redelivered?: boolean;
}

/** A read-only look at a component's messages, streamed; `done` says what the browse left behind. */
export interface Browse {
  messages(signal: AbortSignal): AsyncIterable<BrowsedMessage>;
  /** Ends the browse: every message goes back where it was (AMQP: nack with requeue, in order). Returns a note for the user, if any. */
  close(): Promise<string | undefined>;
}

/** Builds a connector from a component's resolved properties (env and secrets substituted). */
export type ConnectorFactory = (name: string, props: Readonly<Record<string, unknown>>) => Connector;
