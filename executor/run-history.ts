// What a run's journal says happened, read streaming: connection statuses, committed positions, open parked messages, replies not yet consumed.
import type { SourceMessage, SourceReader } from './connectors/connector';
import type { ResumeFrom } from './connectors/key-position';
import type { Settled } from './connection-runner';
import type { Journal } from './journal-writer';
import { eachRunRecord, type StoredRun } from './run-store';
import type { JournalRecord } from '../protocol/journal-records';
import { CommittedPositions, positionFormOf } from './committed-positions';
import { blockedBy, type PlannedConnection, type RunPlan } from './plan';

export type ParkedRecord = Extract<JournalRecord, { t: 'parked' }>;
/** A parked message whose bytes the journal holds (not so under `journal: { payloads: none }`): one retry can deliver. */
export type StoredParked = ParkedRecord & { readonly payload: string; readonly headers: Readonly<Record<string, string>> };

function isStored(parked: ParkedRecord): parked is StoredParked {
  return parked.payload !== undefined && parked.headers !== undefined;
}

/** Every parked message a retry asked for was journaled without its payload: nothing can be delivered again. */
export class UnstoredParkedError extends Error {
  constructor(runId: string, parked: readonly Pick<ParkedRecord, 'key' | 'source' | 'connection'>[]) {
    super(`run ${runId}: ${parked.length === 1 ? `the parked message ${parked[0]!.key ?? parked[0]!.source} (${parked[0]!.connection}) is` : `the ${parked.length} parked messages are`} not retried: the journal holds no payload for ${parked.length === 1 ? 'it' : 'them'} (the flow's journal.payloads is none); read ${parked.length === 1 ? 'it' : 'them'} again from the source in a new run`);
    this.name = 'UnstoredParkedError';
  }
}

/** Parked messages not delivered since, in the order they were parked (a re-park replaces the earlier one). */
export class OpenParked<T extends { readonly id: string }> {
  private readonly open = new Map<string, T>();

  park(entry: T): void {
    this.open.delete(entry.id);
    this.open.set(entry.id, entry);
  }

  unpark(id: string): void {
    this.open.delete(id);
  }

  get size(): number {
    return this.open.size;
  }

  list(): T[] {
    return [...this.open.values()];
  }
}

/** A parked message without its payload, and where its record is, to read the payload when it is delivered again. */
export interface ParkedEntry {
  readonly id: string;
  readonly connection: string;
  readonly component: string;
  readonly source: string;
  /** The event log it is in. */
  readonly log: string;
  /** Its index among the `parked` records of `log`. */
  readonly ordinal: number;
  readonly key: string | null;
  /** Whether the journal holds its bytes (not so under `journal: { payloads: none }`): only then can a retry deliver it. */
  readonly stored: boolean;
}

/** What a resume or a retry needs of a run's journal: no payload, nothing per message but the gaps. */
export interface RunHistory {
  /** The last status the journal gives each connection. */
  readonly statuses: ReadonlyMap<string, string>;
  /** Per connection reading a source of its own (not a service's replies): the positions it committed. */
  readonly committed: ReadonlyMap<string, CommittedPositions>;
  /** Per fed connection: ids of its source's replies it did not commit. */
  readonly uncommittedReplies: ReadonlyMap<string, ReadonlySet<string>>;
  /** Open parked messages (read for a retry only). */
  readonly parked: readonly ParkedEntry[];
  /**
   * Per connection, the last source position it committed and how many it committed, in journal
   * order (commits go strictly in read order): where a source read in key order continues (resume).
   */
  readonly lastCommitted: ReadonlyMap<string, ResumeFrom>;
}

const RESUME_RECORDS = ['run-start', 'resumed', 'retry-start', 'connection', 'committed', 'in-flight', 'parked', 'reply'] as const;
const RETRY_RECORDS = ['connection', 'parked', 'unparked'] as const;

/**
 * Service replies against the commits of the connections they feed. A reply is journaled before
 * its commit, so the open ones are those in flight; a commit read before its reply (a resumed
 * process's log is read before the joined processes' logs it continues) waits for it apart.
 */
class ReplyLedger {
  private readonly fed = new Map<string, string[]>();
  private readonly open = new Map<string, Set<string>>();
  private readonly early = new Map<string, Set<string>>();

  constructor(plan: RunPlan) {
    for (const c of plan.connections.filter((p) => p.fedBy.length > 0)) {
      this.fed.set(c.source.name, [...(this.fed.get(c.source.name) ?? []), c.id]);
      this.open.set(c.id, new Set());
      this.early.set(c.id, new Set());
    }
  }

  feeds(connection: string): boolean {
    return this.open.has(connection);
  }

  replied(component: string, id: string): void {
    for (const c of this.fed.get(component) ?? []) if (!this.early.get(c)!.delete(id)) this.open.get(c)!.add(id);
  }

  committed(connection: string, position: string): void {
    if (!position.startsWith('reply:')) return;
    const id = position.slice('reply:'.length);
    if (!this.open.get(connection)!.delete(id)) this.early.get(connection)!.add(id);
  }

  uncommitted(): Map<string, ReadonlySet<string>> {
    return this.open;
  }
}

/**
 * Each connection's last committed position and count, folded in journal order. A retry's
 * re-delivery of a parked message commits an earlier position again: it does not count.
 */
export class LastCommitted {
  readonly positions = new Map<string, ResumeFrom>();
  private readonly parked = new Set<string>();
  private retrying = false;

  add(r: JournalRecord): void {
    if (r.t === 'retry-start' || r.t === 'resumed' || r.t === 'run-start') this.retrying = r.t === 'retry-start';
    else if (r.t === 'parked') this.parked.add(`${r.connection}\u0000${r.source}`);
    else if (r.t === 'committed' && !(this.retrying && this.parked.has(`${r.connection}\u0000${r.source}`))) {
      this.positions.set(r.connection, { position: r.source, committed: (this.positions.get(r.connection)?.committed ?? 0) + 1 });
    }
  }
}

/** Reads what a resume (statuses, commits, replies) or a retry (statuses, parked) needs in one pass over the journal. */
export async function readRunHistory(run: StoredRun, plan: RunPlan, purpose: 'resume' | 'retry'): Promise<RunHistory> {
  const statuses = new Map<string, string>();
  const committed = new Map<string, CommittedPositions>();
  const replies = new ReplyLedger(plan);
  const parked = new OpenParked<ParkedEntry>();
  const parkedInLog = new Map<string, number>();
  const last = new LastCommitted();
  const positionsOf = (connection: string): CommittedPositions => {
    let positions = committed.get(connection);
    if (!positions) committed.set(connection, (positions = new CommittedPositions(positionFormOf(plan.connections.find((c) => c.id === connection)?.source.type))));
    return positions;
  };
  await eachRunRecord(run, purpose === 'resume' ? RESUME_RECORDS : RETRY_RECORDS, (r, log) => {
    last.add(r);
    switch (r.t) {
      case 'connection':
        statuses.set(r.connection, r.status);
        return;
      case 'committed':
        if (replies.feeds(r.connection)) replies.committed(r.connection, r.source);
        else positionsOf(r.connection).add(r.source);
        return;
      case 'reply':
        replies.replied(r.component, r.id);
        return;
      case 'unparked':
        parked.unpark(r.id);
        return;
      case 'in-flight':
      case 'parked':
        if (!replies.feeds(r.connection)) positionsOf(r.connection).read(r.source);
        if (r.t === 'parked' && purpose === 'retry') {
          const ordinal = parkedInLog.get(log) ?? 0;
          parkedInLog.set(log, ordinal + 1);
          parked.park({ id: r.id, connection: r.connection, component: r.component, source: r.source, log, ordinal, key: r.key, stored: isStored(r) });
        }
    }
  });
  return { statuses, committed, uncommittedReplies: replies.uncommitted(), parked: parked.list(), lastCommitted: last.positions };
}

/** Connections with no final status (killed mid-run) or stopped: a resume runs them again. */
export function unfinishedConnections(plan: RunPlan, statuses: ReadonlyMap<string, string>): Set<string> {
  return new Set(plan.connections.filter((c) => !statuses.has(c.id) || statuses.get(c.id) === 'stopped').map((c) => c.id));
}

/**
 * For each fed connection about to run: the service replies it had not committed when the run
 * stopped, read from the journal one at a time as the connection takes them.
 */
export function uncommittedReplies(plan: RunPlan, history: RunHistory, run: ReadonlySet<string>, stored: StoredRun): Map<string, AsyncIterable<SourceMessage>> {
  const out = new Map<string, AsyncIterable<SourceMessage>>();
  for (const c of plan.connections.filter((p) => run.has(p.id) && p.fedBy.length > 0)) {
    const ids = new Set(history.uncommittedReplies.get(c.id) ?? []);
    if (ids.size > 0) out.set(c.id, repliesFrom(stored, c.source.name, ids));
  }
  return out;
}

async function* repliesFrom(run: StoredRun, component: string, ids: Set<string>): AsyncGenerator<SourceMessage> {
  for (const log of await run.logs()) {
    if (ids.size === 0) return;
    for await (const r of run.records(log, ['reply'])) {
      if (r.component !== component || !ids.delete(r.id)) continue;
      yield { key: r.key, value: Buffer.from(r.payload, 'base64'), headers: r.headers, position: `reply:${r.id}` };
      if (ids.size === 0) return;
    }
  }
}

/**
 * What a retry runs: the connections whose parked messages are re-delivered, the connections their
 * replies feed, and the connections that were blocked behind them (which then run in full).
 */
export function retryTargets(plan: RunPlan, statuses: ReadonlyMap<string, string>, retried: ReadonlySet<string>): Set<string> {
  const downstreamOfRetried = blockedBy(plan, retried);
  const run = new Set<string>(retried);
  for (const id of downstreamOfRetried) if (statuses.get(id) === 'blocked' || !statuses.has(id)) run.add(id);
  let grew = true;
  while (grew) {
    grew = false;
    for (const c of plan.connections) {
      if (!run.has(c.id) && c.fedBy.some((f) => run.has(f))) {
        run.add(c.id);
        grew = true;
      }
    }
  }
  return run;
}

/**
 * A source over a connection's parked messages, their payloads read from the journal one at a
 * time as the connection takes them; a delivered one is marked resolved in the journal.
 */
export function parkedReaderFor(run: StoredRun, journal: Journal, parked: readonly ParkedEntry[]): { reader: SourceReader; onSettled: (m: SourceMessage, outcome: Settled) => void } {
  const byPosition = new Map(parked.map((p) => [p.source, p]));
  const reader: SourceReader = {
    async *messages(signal: AbortSignal) {
      const logs = [...new Set(parked.map((p) => p.log))];
      for (const log of logs) {
        const wanted = new Map(parked.filter((p) => p.log === log).map((p) => [p.ordinal, p]));
        let ordinal = 0;
        for await (const r of run.records(log, ['parked'])) {
          if (signal.aborted) return;
          if (!wanted.delete(ordinal++) || !isStored(r)) continue;
          yield { key: r.key, value: Buffer.from(r.payload, 'base64'), headers: r.headers, position: r.source };
          if (wanted.size === 0) break;
        }
      }
    },
    commit: () => Promise.resolve(),
    release: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
  const onSettled = (m: SourceMessage, outcome: Settled): void => {
    const record = byPosition.get(m.position);
    if (record && outcome === 'delivered') journal.append({ t: 'unparked', id: record.id, target: 'redelivered' });
  };
  return { reader, onSettled };
}

export type { PlannedConnection };
