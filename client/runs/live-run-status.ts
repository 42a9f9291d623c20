// The diagram's run status from the executor's events as they arrive: component states, counts, messages per connection (pure).
import type { ComponentStatus, ConnectionIdentity, ExecutorEvent } from '../../protocol/executor-events';
import type { ComponentRunStatus, NodeRunState, RunStatus } from '../../protocol/webview-messages';

/** A connection of the flow as written: its index in document order and the names it joins. */
export interface WrittenConnection {
  readonly index: number;
  readonly from: string | undefined;
  readonly to: string | undefined;
}

interface ConnectionTally {
  read: number;
  delivered: number;
  parked: number;
  /** Per-message events seen, so a count never lags behind the messages already reported. */
  deliveredEvents: number;
  parkedEvents: number;
}

interface ComponentTally {
  /** The executor's last word on the component, if it said anything. */
  reported: ComponentStatus | undefined;
  retries: number;
  /** A retry is waiting and no message moved since. */
  retrying: boolean;
}

const STATE_OF: Record<ComponentStatus, NodeRunState> = {
  pending: 'pending',
  preflight: 'pending',
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  blocked: 'blocked',
  // A stopped run reports what it did not finish as skipped.
  skipped: 'stopped',
};

/** Folds one run's events into the status the diagram paints; `apply` says whether anything visible changed. */
export class LiveRunStatus {
  private runId = '';
  private dryRun = false;
  private readonly components = new Map<string, ComponentTally>();
  private readonly tallies = new Map<number, ConnectionTally>();
  /** The run's connection labels (from run-started), which run-finished's reconciliation names them by. */
  private readonly labels = new Map<string, number>();
  private finished = false;

  constructor(private readonly connections: readonly WrittenConnection[]) {}

  apply(event: ExecutorEvent): boolean {
    switch (event.type) {
      case 'run-started':
        this.runId = event.runId;
        this.dryRun = event.mode === 'dry-run';
        for (const name of event.components) this.component(name);
        for (const c of event.connections) this.labels.set(c.connection, c.connectionIndex);
        return true;
      case 'component-status': {
        const tally = this.component(event.component);
        tally.reported = event.status;
        tally.retrying = false;
        return true;
      }
      case 'connection-progress': {
        const tally = this.tally(event.connectionIndex);
        if (!tally) return false;
        const moved = event.counts.delivered !== tally.delivered || event.counts.parked !== tally.parked || event.counts.read !== tally.read;
        tally.read = Math.max(tally.read, event.counts.read);
        tally.delivered = Math.max(tally.delivered, event.counts.delivered);
        tally.parked = Math.max(tally.parked, event.counts.parked);
        if (moved) this.settledRetry(event);
        return moved;
      }
      case 'message-delivered':
      case 'message-parked': {
        const tally = this.tally(event.connectionIndex);
        if (!tally) return false;
        if (event.type === 'message-delivered') tally.deliveredEvents++;
        else tally.parkedEvents++;
        this.settledRetry(event);
        return true;
      }
      case 'message-retrying': {
        if (!this.known(event)) return false;
        const tally = this.component(event.to);
        tally.retries++;
        tally.retrying = true;
        return true;
      }
      case 'run-finished':
        this.runId ||= event.runId;
        this.finished = true;
        for (const r of event.reconciliation) {
          const index = this.labels.get(r.connection);
          const tally = index === undefined ? undefined : this.tally(index);
          if (!tally) continue;
          tally.read = r.read;
          tally.delivered = r.delivered;
          tally.parked = r.parked;
          tally.deliveredEvents = Math.min(tally.deliveredEvents, r.delivered);
          tally.parkedEvents = Math.min(tally.parkedEvents, r.parked);
        }
        for (const tally of this.components.values()) tally.retrying = false;
        return true;
      default:
        return false;
    }
  }

  snapshot(): RunStatus {
    const components: Record<string, ComponentRunStatus> = {};
    for (const [name, tally] of this.components) {
      const inbound = this.connectionsInto(name);
      const outbound = this.connections.filter((c) => c.from === name && this.tallies.has(c.index));
      const sum = (list: readonly WrittenConnection[], count: (t: ConnectionTally) => number): number => list.reduce((n, c) => n + count(this.tallies.get(c.index)!), 0);
      // A pure source has no status of its own: it reads as long as what it feeds runs.
      const processed = inbound.length > 0 ? sum(inbound, delivered) : sum(outbound, read);
      components[name] = { state: this.stateOf(name, tally, inbound.length > 0), processed, parked: sum(inbound, parked), retries: tally.retries };
    }
    const moved: Record<number, number> = {};
    const parkedOn: Record<number, number> = {};
    for (const [index, tally] of this.tallies) {
      moved[index] = delivered(tally);
      if (parked(tally) > 0) parkedOn[index] = parked(tally);
    }
    return { runId: this.runId, components, moved, parked: parkedOn, ...(this.dryRun ? { dryRun: true } : {}) };
  }

  private stateOf(name: string, tally: ComponentTally, hasInbound: boolean): NodeRunState {
    if (tally.reported !== undefined) {
      const state = STATE_OF[tally.reported];
      return state === 'running' && tally.retrying ? 'retrying' : state;
    }
    if (hasInbound) return 'pending';
    const feeds = this.connections.filter((c) => c.from === name && c.to !== undefined).map((c) => this.components.get(c.to!)?.reported);
    // After the run a source claims success only when everything it feeds succeeded: a failure downstream is not its own.
    if (this.finished) return feeds.length > 0 && feeds.every((s) => s === 'succeeded') ? 'succeeded' : feeds.some((s) => s === 'skipped') ? 'stopped' : 'pending';
    return feeds.some((s) => s !== undefined && s !== 'pending' && s !== 'preflight') ? 'running' : 'pending';
  }

  private connectionsInto(name: string): WrittenConnection[] {
    return this.connections.filter((c) => c.to === name && this.tallies.has(c.index));
  }

  private component(name: string): ComponentTally {
    let tally = this.components.get(name);
    if (!tally) {
      tally = { reported: undefined, retries: 0, retrying: false };
      this.components.set(name, tally);
    }
    return tally;
  }

  private tally(index: number): ConnectionTally | undefined {
    if (!this.connections.some((c) => c.index === index)) return undefined;
    let tally = this.tallies.get(index);
    if (!tally) {
      tally = { read: 0, delivered: 0, parked: 0, deliveredEvents: 0, parkedEvents: 0 };
      this.tallies.set(index, tally);
    }
    return tally;
  }

  /** The event's connection is one of the flow's as written (same index and ends). */
  private known(event: ConnectionIdentity): boolean {
    return this.connections.some((c) => c.index === event.connectionIndex && c.to === event.to);
  }

  private settledRetry(event: ConnectionIdentity): void {
    const tally = this.known(event) ? this.components.get(event.to) : undefined;
    if (tally) tally.retrying = false;
  }
}

function delivered(t: ConnectionTally): number {
  return Math.max(t.delivered, t.deliveredEvents);
}

function parked(t: ConnectionTally): number {
  return Math.max(t.parked, t.parkedEvents);
}

/** Progress reports come at most every 250 ms; messages already reported moved were read too. */
function read(t: ConnectionTally): number {
  return Math.max(t.read, delivered(t) + parked(t));
}
