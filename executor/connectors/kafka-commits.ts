// Tracks which offsets of each partition are confirmed, so a commit never passes an unconfirmed message.
export class ContiguousCommits {
  private readonly pending = new Map<number, { offsets: bigint[]; done: Set<bigint> }>();

  /** Records that `offset` was handed out (in order per partition). */
  yielded(partition: number, offset: bigint): void {
    let state = this.pending.get(partition);
    if (!state) this.pending.set(partition, (state = { offsets: [], done: new Set() }));
    state.offsets.push(offset);
  }

  /** Marks `offset` confirmed; returns the next offset to commit (last contiguous + 1), or undefined when it cannot move. */
  confirm(partition: number, offset: bigint): bigint | undefined {
    const state = this.pending.get(partition);
    if (!state) return undefined;
    state.done.add(offset);
    let committed: bigint | undefined;
    while (state.offsets.length > 0 && state.done.has(state.offsets[0]!)) {
      committed = state.offsets.shift()!;
      state.done.delete(committed);
    }
    return committed === undefined ? undefined : committed + 1n;
  }
}
