// RetrySchedule: when to try a failed delivery again (fixed, exponential, custom, jitter, limits, error classes).
import { parseDuration } from '../flow/durations';
import { NEVER_RETRIED } from '../flow/error-classes';
import { RETRY_DEFAULTS } from '../flow/schema';
import { ConnectorError, type ErrorClass } from './connectors/connector';
import { abortReason, type Clock } from './clock';

export type RetryStrategy = 'fixed' | 'exponential' | 'custom';
export type Jitter = 'none' | 'full' | 'equal';

export interface RetryPolicy {
  readonly strategy: RetryStrategy;
  readonly delayMs: number;
  readonly factor: number;
  readonly maxDelayMs: number;
  readonly delaysMs: readonly number[];
  readonly maxAttempts: number;
  readonly maxDurationMs: number | undefined;
  readonly jitter: Jitter;
  readonly retryOn: ReadonlySet<ErrorClass>;
  readonly abortOn: ReadonlySet<ErrorClass>;
}

/** A delivery that failed for good: after its last attempt, or on an error class it must not retry. */
export class RetriesExhausted extends Error {
  constructor(
    readonly attempts: number,
    readonly lastError: unknown,
    readonly reason: 'max-attempts' | 'max-duration' | 'not-retryable',
  ) {
    super(`${errorMessage(lastError)} (gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${reason.replace('-', ' ')})`);
    this.name = 'RetriesExhausted';
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The error class that drives retries; errors that are not ConnectorErrors count as `connection`. */
export function errorClassOf(error: unknown): ErrorClass {
  return error instanceof ConnectorError ? error.errorClass : 'connection';
}

/** YAML reads `retryOn: [5xx, 429]` with 429 as a number (the schema allows both): every class as its string. */
function errorClasses(list: unknown): Set<ErrorClass> {
  return new Set((Array.isArray(list) ? list : []).map((c) => String(c) as ErrorClass));
}

function durationOr(value: unknown, fallback: unknown): number {
  return parseDuration(value) ?? parseDuration(fallback) ?? 0;
}

export class RetrySchedule {
  constructor(
    readonly policy: RetryPolicy,
    private readonly random: () => number = Math.random,
  ) {}

  /** Builds a schedule from a flow's `retry` settings; every default comes from the schema. */
  static fromSettings(settings: Readonly<Record<string, unknown>> | undefined, random: () => number = Math.random): RetrySchedule {
    const s = settings ?? {};
    const d = RETRY_DEFAULTS;
    const strategy = (s.strategy ?? d.strategy) as RetryStrategy;
    const delaysMs = Array.isArray(s.delays) ? s.delays.map((x) => durationOr(x, 0)) : [];
    const maxAttempts = typeof s.maxAttempts === 'number' ? s.maxAttempts : strategy === 'custom' ? delaysMs.length + 1 : (d.maxAttempts as number);
    return new RetrySchedule(
      {
        strategy,
        delayMs: durationOr(s.delay, d.delay),
        factor: typeof s.factor === 'number' ? s.factor : (d.factor as number),
        maxDelayMs: durationOr(s.maxDelay, d.maxDelay),
        delaysMs,
        maxAttempts,
        maxDurationMs: parseDuration(s.maxDuration ?? d.maxDuration),
        jitter: (s.jitter ?? d.jitter) as Jitter,
        retryOn: errorClasses(s.retryOn ?? d.retryOn),
        abortOn: errorClasses(s.abortOn ?? d.abortOn),
      },
      random,
    );
  }

  /** The wait before the next attempt, before jitter, after attempt `attempt` (1-based) failed. */
  baseDelay(attempt: number): number {
    const p = this.policy;
    switch (p.strategy) {
      case 'fixed':
        return p.delayMs;
      case 'custom':
        return p.delaysMs[Math.min(attempt - 1, p.delaysMs.length - 1)] ?? 0;
      default:
        return Math.min(p.maxDelayMs, p.delayMs * p.factor ** (attempt - 1));
    }
  }

  private jittered(ms: number): number {
    switch (this.policy.jitter) {
      case 'full':
        return Math.round(this.random() * ms);
      case 'equal':
        return Math.round(ms / 2 + (this.random() * ms) / 2);
      default:
        return ms;
    }
  }

  /**
   * What to do after attempt `attempt` failed with `error`, `elapsedMs` after the first attempt began:
   * a wait in milliseconds, or why to give up. A 429's Retry-After replaces the computed wait.
   */
  next(attempt: number, error: unknown, elapsedMs: number): { waitMs: number } | { giveUp: RetriesExhausted['reason'] } {
    const p = this.policy;
    const errorClass = errorClassOf(error);
    if (NEVER_RETRIED.has(errorClass) || p.abortOn.has(errorClass) || !p.retryOn.has(errorClass)) return { giveUp: 'not-retryable' };
    if (attempt >= p.maxAttempts) return { giveUp: 'max-attempts' };
    const retryAfter = error instanceof ConnectorError && errorClass === '429' ? error.options.retryAfterMs : undefined;
    const waitMs = retryAfter ?? this.jittered(this.baseDelay(attempt));
    if (p.maxDurationMs !== undefined && elapsedMs + waitMs > p.maxDurationMs) return { giveUp: 'max-duration' };
    return { waitMs };
  }
}

export interface RetryObserver {
  (info: { attempt: number; waitMs: number; error: unknown }): void;
}

/**
 * Runs `fn` until it succeeds or the schedule gives up (then throws RetriesExhausted).
 * An abort stops at once with the signal's reason, never counted as a failed attempt.
 */
export async function retrying<T>(
  fn: (attempt: number, signal: AbortSignal) => Promise<T>,
  schedule: RetrySchedule,
  clock: Clock,
  signal: AbortSignal,
  onRetry?: RetryObserver,
): Promise<T> {
  const started = clock.now();
  if (signal.aborted) throw abortReason(signal);
  let error: unknown;
  try {
    return await fn(1, signal);
  } catch (failed) {
    error = failed;
  }
  return retryingAfter(error, started, fn, schedule, clock, signal, onRetry);
}

/**
 * `retrying` once its first attempt, begun at `started`, failed with `error`: for a caller that
 * makes the first attempt itself (a message's write, where a retry is rare and its closures are not).
 */
export async function retryingAfter<T>(
  error: unknown,
  started: number,
  fn: (attempt: number, signal: AbortSignal) => Promise<T>,
  schedule: RetrySchedule,
  clock: Clock,
  signal: AbortSignal,
  onRetry?: RetryObserver,
): Promise<T> {
  for (let attempt = 1; ; ) {
    if (signal.aborted) throw abortReason(signal);
    const decision = schedule.next(attempt, error, clock.now() - started);
    if ('giveUp' in decision) throw new RetriesExhausted(attempt, error, decision.giveUp);
    onRetry?.({ attempt, waitMs: decision.waitMs, error });
    await clock.sleep(decision.waitMs, signal);
    attempt++;
    if (signal.aborted) throw abortReason(signal);
    try {
      return await fn(attempt, signal);
    } catch (failed) {
      error = failed;
    }
  }
}
