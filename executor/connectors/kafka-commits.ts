// Tracks which offsets of each partition are confirmed, so a commit never passes an unconfirmed message.
interface PartitionState {
  /** Offsets handed out and not yet part of a commit, in order. */
  readonly offsets: bigint[];
  readonly done: Set<bigint>;
  /** How far the fetch got when the last of them was handed out: the records in between were no messages. */
  passed: bigint;
}

export class ContiguousCommits {
  private readonly pending = new Map<number, PartitionState>();

  private state(partition: number): PartitionState {
    let state = this.pending.get(partition);
    if (!state) this.pending.set(partition, (state = { offsets: [], done: new Set(), passed: -1n }));
    return state;
  }

  /** Records that `offset` was handed out (in order per partition). */
  yielded(partition: number, offset: bigint): void {
    this.state(partition).offsets.push(offset);
  }

  /**
   * Records that the fetch got to `next` and every message before it was handed out (transaction
   * markers, aborted and compacted records have no message). Returns `next` when nothing handed
   * out is unconfirmed, so the reader can commit it now; otherwise the commit of the last of them
   * will carry it.
   */
  passed(partition: number, next: bigint): bigint | undefined {
    const state = this.state(partition);
    if (next > state.passed) state.passed = next;
    return state.offsets.length === 0 ? state.passed : undefined;
  }

  /** Marks `offset` confirmed; returns the next offset to commit (last contiguous + 1, or how far the fetch got), or undefined when it cannot move. */
  confirm(partition: number, offset: bigint): bigint | undefined {
    const state = this.pending.get(partition);
    if (!state) return undefined;
    state.done.add(offset);
    let committed: bigint | undefined;
    while (state.offsets.length > 0 && state.done.has(state.offsets[0]!)) {
      committed = state.offsets.shift()!;
      state.done.delete(committed);
    }
    if (committed === undefined) return undefined;
    return state.offsets.length === 0 && state.passed > committed + 1n ? state.passed : committed + 1n;
  }
}
