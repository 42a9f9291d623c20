// One 'abort' listener per signal for the many waits of a run: each in-flight write used to add and remove its own, ~3 µs a message.
const watched = new WeakMap<AbortSignal, Set<() => void>>();

/** The waits on `signal`, called by the one listener it gets when first watched. */
function waitsOn(signal: AbortSignal): Set<() => void> {
  let waits = watched.get(signal);
  if (waits) return waits;
  const all = (waits = new Set());
  watched.set(signal, all);
  signal.addEventListener('abort', () => {
    watched.delete(signal);
    for (const call of all) call(); // a wait forgotten by an earlier one is not called
    all.clear();
  }, { once: true });
  return all;
}

/**
 * Calls `listener` once when `signal` aborts, unless the returned function was called first. The
 * signal gets one listener of its own, whatever the number of waits on it; a signal that has
 * already aborted calls nothing (check `signal.aborted` first, as with `addEventListener`).
 */
export function onAbort(signal: AbortSignal, listener: () => void): () => void {
  const waits = waitsOn(signal);
  const call = () => listener(); // its own entry, should one function be passed twice
  waits.add(call);
  return () => void waits.delete(call);
}
