// One 'abort' listener per signal for the many waits of a run: each in-flight write used to add and remove its own, ~3 µs a message.
const watched = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `listener` once when `signal` aborts, unless the returned function was called first. The
 * signal gets one listener of its own, whatever the number of waits on it; a signal that has
 * already aborted calls nothing (check `signal.aborted` first, as with `addEventListener`).
 */
export function onAbort(signal: AbortSignal, listener: () => void): () => void {
  let listeners = watched.get(signal);
  if (!listeners) {
    const all = new Set<() => void>();
    listeners = all;
    watched.set(signal, all);
    signal.addEventListener('abort', () => {
      watched.delete(signal);
      for (const call of all) call(); // a listener forgotten by an earlier one is not called
      all.clear();
    }, { once: true });
  }
  const mine = listeners;
  const call = () => listener();
  mine.add(call);
  return () => void mine.delete(call);
}
