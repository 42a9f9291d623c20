// Time as the executor sees it: injectable so retry schedules are tested with a fake clock.
import { onAbort } from './abort-watch';

export interface Clock {
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(abortReason(signal));
      const timer = setTimeout(() => {
        forget();
        resolve();
      }, ms);
      const forget = onAbort(signal, () => {
        clearTimeout(timer);
        reject(abortReason(signal));
      });
    }),
};

export function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new StopRequested();
}

/** The run was stopped (Stop in the editor, Ctrl-C, a signal). */
export class StopRequested extends Error {
  constructor() {
    super('the run was stopped');
    this.name = 'StopRequested';
  }
}
