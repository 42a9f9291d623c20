// Runs an action at most once per interval: the first request at once, later ones folded into one trailing call (pure).

export interface ThrottleTimers {
  now(): number;
  set(action: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const REAL_TIMERS: ThrottleTimers = {
  now: () => Date.now(),
  set: (action, ms) => setTimeout(action, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class Throttle {
  private last = Number.NEGATIVE_INFINITY;
  private pending: unknown;

  constructor(
    private readonly intervalMs: number,
    private readonly action: () => void,
    private readonly timers: ThrottleTimers = REAL_TIMERS,
  ) {}

  /** Asks for the action: now if the interval has passed since the last call, else once when it has. */
  request(): void {
    if (this.pending !== undefined) return;
    const wait = this.last + this.intervalMs - this.timers.now();
    if (wait <= 0) {
      this.run();
      return;
    }
    this.pending = this.timers.set(() => {
      this.pending = undefined;
      this.run();
    }, wait);
  }

  /** Runs the action now (a run's start and end are shown without delay), dropping a waiting call. */
  flush(): void {
    this.cancel();
    this.run();
  }

  cancel(): void {
    if (this.pending !== undefined) this.timers.clear(this.pending);
    this.pending = undefined;
  }

  private run(): void {
    this.last = this.timers.now();
    this.action();
  }
}
