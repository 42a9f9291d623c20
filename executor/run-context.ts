// What every part of one run shares: its id, mode, journal, event sink, clock and stop signals.
import { JOURNAL_DEFAULTS } from '../flow/schema';
import type { EventSink, LogLevel, RunMode } from '../protocol/executor-events';
import type { Clock } from './clock';
import type { Journal } from './journal-writer';
import type { Redactor } from './redaction';
import type { Telemetry } from './telemetry/hop-telemetry';

export interface RunContext {
  readonly runId: string;
  readonly mode: RunMode;
  readonly flowFile: string;
  readonly journal: Journal;
  readonly redactor: Redactor;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  /**
   * Aborts when the run is asked to stop (and with `signal`): sources stop being read at once and
   * nothing more is written, while what is in flight is confirmed and committed until `signal` aborts.
   */
  readonly stopReading: AbortSignal;
  /** Emits an event with every string redacted. */
  readonly emit: EventSink;
  /** False when the sink takes no `message-delivered` events: none is built (one a message). */
  readonly deliveredEvents?: boolean;
  readonly log: (level: LogLevel, message: string, component?: string) => void;
  /** Messages in flight per connection (the `maxInFlight` setting). */
  readonly maxInFlight: number;
  readonly random: () => number;
  /** The flow's `journal.payloads`: which message payloads the journal stores (`parked` when unset). */
  readonly payloads?: JournalPayloads;
  /** Where each hop's spans go (OpenTelemetry); absent: untraced. */
  readonly telemetry?: Telemetry;
}

export type JournalPayloads = 'parked' | 'all' | 'none';

/** The flow's `journal.payloads`, its schema default when unset. */
export function journalPayloadsOf(journal: Readonly<Record<string, unknown>> | undefined): JournalPayloads {
  const value = journal?.payloads ?? JOURNAL_DEFAULTS.payloads;
  return value === 'all' || value === 'none' ? value : 'parked';
}

/** Messages in flight per connection unless the connection's `maxInFlight` says otherwise. */
export const DEFAULT_MAX_IN_FLIGHT = 256;

export function maxInFlightOf(props: Readonly<Record<string, unknown>>, fallback: number): number {
  const value = props.maxInFlight;
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : fallback;
}
