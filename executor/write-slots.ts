// A counting semaphore in FIFO order: at most `size` messages written to a target and not yet confirmed.

/** The answer of an acquire that found a slot free: one resolved promise for all, not one a message. */
const FREE: Promise<void> = Promise.resolve();

export class WriteSlots {
  private used = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  /** Resolves once a slot is free; slots are handed out in the order they were asked for. */
  acquire(): Promise<void> {
    if (this.tryAcquire()) return FREE;
    return new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** Takes a free slot now if there is one (nobody waiting before it): the caller then need not wait for `acquire`. */
  tryAcquire(): boolean {
    if (this.used >= this.size || this.waiting.length > 0) return false;
    this.used++;
    return true;
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next(); // the slot passes straight on
    else this.used--;
  }
}
