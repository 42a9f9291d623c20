// Per-key order: at most one message per key is handed to the target at a time; later ones wait their turn in read order.
import { onAbort } from './abort-watch';
import { abortReason } from './clock';

/** One message's place in the line of each of its keys. */
export interface KeyTurn {
  /** Resolves once every earlier message sharing a key with this one has left; rejects with the abort reason. */
  wait(signal: AbortSignal): Promise<void>;
  /** Gives this message's keys on to the next message in line; safe to call more than once, and without having waited. */
  leave(): void;
  /** Whether nobody is ahead of it now: then `wait` has nothing to wait for (a caller may skip it, unless stopped). */
  isNext(): boolean;
}

/** The answer of a wait with nobody ahead: one resolved promise for all, not one a message. */
const YOUR_TURN: Promise<void> = Promise.resolve();

/** One message's place: the turn itself (methods, not closures: one object a message). */
class Ticket implements KeyTurn {
  left = false;
  /** Set while `wait` is pending. */
  resolve?: () => void;

  constructor(
    private readonly order: KeyOrder,
    readonly keys: readonly string[],
  ) {}

  wait(signal: AbortSignal): Promise<void> {
    return this.order.waitFor(this, signal);
  }

  leave(): void {
    this.order.handOn(this);
  }

  isNext(): boolean {
    return this.left || this.order.isFirst(this);
  }
}

/**
 * A retried write (runner backoff, a writer that reconnects) must not land after a later write of
 * the same key: so a key's next message is handed to the writer only once the previous one is
 * settled (delivered or parked). Lines are entered in read order, so a message only ever waits
 * for earlier ones, and the oldest unsettled message never waits: the window cannot deadlock.
 * Messages without a key wait for nothing.
 */
export class KeyOrder {
  private readonly lines = new Map<string, Ticket[]>();

  /** Takes this message's place in line for each key, now (call it in read order); null keys are ignored. */
  enter(keys: readonly (string | null | undefined)[]): KeyTurn {
    const distinct: string[] = [];
    for (const key of keys) if (typeof key === 'string' && !distinct.includes(key)) distinct.push(key);
    const ticket = new Ticket(this, distinct);
    for (const key of distinct) {
      const line = this.lines.get(key);
      if (line) line.push(ticket);
      else this.lines.set(key, [ticket]);
    }
    return ticket;
  }

  /** Keys with a message in line (for tests: the lines are dropped once empty). */
  get size(): number {
    return this.lines.size;
  }

  /** @internal Whether the ticket heads the line of each of its keys. */
  isFirst(ticket: Ticket): boolean {
    for (const key of ticket.keys) if (this.lines.get(key)![0] !== ticket) return false;
    return true;
  }

  /** @internal `KeyTurn.wait` of one of its tickets. */
  waitFor(ticket: Ticket, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(abortReason(signal));
    if (ticket.isNext()) return YOUR_TURN;
    return new Promise<void>((resolve, reject) => {
      const forget = onAbort(signal, () => {
        ticket.resolve = undefined;
        reject(abortReason(signal));
      });
      ticket.resolve = () => {
        forget();
        resolve();
      };
    });
  }

  /** @internal `KeyTurn.leave` of one of its tickets. */
  handOn(ticket: Ticket): void {
    if (ticket.left) return;
    ticket.left = true;
    for (const key of ticket.keys) {
      const line = this.lines.get(key)!;
      // Usually the head; a message that stops before its turn (abort, a failed flush) leaves from the middle.
      if (line[0] === ticket) line.shift();
      else line.splice(line.indexOf(ticket), 1);
      if (line.length === 0) this.lines.delete(key);
    }
    for (const key of ticket.keys) {
      const next = this.lines.get(key)?.[0];
      if (next?.resolve && this.isFirst(next)) {
        const resolve = next.resolve;
        next.resolve = undefined;
        resolve();
      }
    }
  }
}
