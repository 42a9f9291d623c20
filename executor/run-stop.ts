// Stop of a run: the first request stops the reading at once and gives what is in flight a grace period; a second one, or the grace running out, aborts.
export { DEFAULT_STOP_GRACE_MS } from '../protocol/executor-events';

/**
 * The two signals of a run (`EngineDeps.stopReading` and `signal`). A Stop ends the sources'
 * reading at once; the messages already written to their targets keep their slot until confirmed,
 * are journaled and committed at the source, and the run ends `stopped` with little to send again.
 * Whatever is still unconfirmed when the grace runs out (or at a second Stop) is abandoned
 * uncommitted, in doubt, as a grace of 0 does at once.
 */
export class RunStop {
  private readonly reading = new AbortController();
  private readonly everything = new AbortController();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly graceMs: number) {}

  get stopReading(): AbortSignal {
    return this.reading.signal;
  }

  get signal(): AbortSignal {
    return this.everything.signal;
  }

  request(): void {
    if (this.reading.signal.aborted || this.graceMs <= 0) {
      this.abort();
      return;
    }
    this.reading.abort();
    this.timer = setTimeout(() => this.abort(), this.graceMs);
  }

  /** The run is over: no timer may outlive it. */
  dispose(): void {
    clearTimeout(this.timer);
  }

  private abort(): void {
    clearTimeout(this.timer);
    this.reading.abort();
    this.everything.abort();
  }
}
