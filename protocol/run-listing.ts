// The Runs view's data of a run (components with counts, parked, status, actors), folded from its summary and journal records: one fold for the runs folder and the run store.
import { parseActor, type Actor } from '../flow/actor';
import { legacyConnectionEnds, type JournalRecord, type JournalRecordType, type RunSummary } from './journal-records';

export interface ComponentRun {
  readonly name: string;
  readonly status: string;
  /** Messages written into this component (it was a connection's target). */
  readonly received: number;
  /** Messages parked on their way into this component. */
  readonly parked: number;
  readonly durationMs: number | undefined;
}

export interface RunListing {
  readonly runId: string;
  readonly flow: string;
  readonly flowFile: string;
  readonly mode: string;
  readonly status: string;
  readonly startedAt: string;
  readonly endedAt: string | undefined;
  readonly actor: Actor | undefined;
  /** Every actor that started or retried this run, in order. */
  readonly actors: readonly Actor[];
  readonly components: readonly ComponentRun[];
  readonly parked: number;
  readonly error: string | undefined;
  readonly interrupted: boolean;
  /** Where the run is, for people and for the folder's files: its directory, or the store's database and the run id (no password). */
  readonly location: string;
}

/** The records the Runs view reads; the others (in-flight, committed, replies) are most of a long run's journal. */
const RUN_LISTING_RECORDS = ['run-start', 'retry-start', 'resumed', 'delivered', 'parked', 'unparked', 'component', 'interrupted'] as const satisfies readonly JournalRecordType[];
type ListingRecord = Extract<JournalRecord, { t: (typeof RUN_LISTING_RECORDS)[number] }>;

/** Folds a run's journal records, one at a time (a long run's journal does not fit in memory), into what the view shows. */
export class RunFold {
  /** Delivered messages per connection label; the labels' targets come from run-start's `connections`. */
  private readonly deliveredOn = new Map<string, number>();
  private readonly targets = new Map<string, string>();
  private readonly started = new Map<string, number>();
  readonly durations = new Map<string, number>();
  readonly open = new Map<string, string>();
  readonly actors: Actor[] = [];
  interrupted = false;

  add(r: ListingRecord | JournalRecord): void {
    if (r.t === 'run-start' || r.t === 'retry-start' || r.t === 'resumed') {
      if (typeof r.actor === 'string') this.actors.push(parseActor(r.actor));
      if (r.t === 'run-start') for (const c of r.connections ?? []) this.targets.set(c.connection, c.to);
    } else if (r.t === 'delivered') {
      this.deliveredOn.set(r.connection, (this.deliveredOn.get(r.connection) ?? 0) + 1);
    } else if (r.t === 'parked') {
      this.open.set(r.id, r.component);
    } else if (r.t === 'unparked') {
      this.open.delete(r.id);
    } else if (r.t === 'component' && r.at) {
      const time = Date.parse(r.at);
      if (r.status === 'running') this.started.set(r.component, time);
      else if (this.started.has(r.component) && r.status !== 'pending' && r.status !== 'preflight') this.durations.set(r.component, time - this.started.get(r.component)!);
    } else if (r.t === 'interrupted') this.interrupted = true;
  }

  /** Messages delivered into each component. */
  received(): Map<string, number> {
    const received = new Map<string, number>();
    for (const [label, count] of this.deliveredOn) {
      // A run recorded before run-start listed its connections: its labels are all there is.
      const to = this.targets.get(label) ?? legacyConnectionEnds(label)?.to;
      if (to !== undefined) received.set(to, (received.get(to) ?? 0) + count);
    }
    return received;
  }
}

/** A run's listing from its summary (read as it is: a field missing from an old or hand-edited one reads as empty) and its folded records. */
export function runListing(location: string, summary: Readonly<Record<string, unknown>>, fold: RunFold): RunListing {
  const statuses = (summary['components'] ?? {}) as Record<string, string>;
  const parked = new Map<string, number>();
  for (const component of fold.open.values()) parked.set(component, (parked.get(component) ?? 0) + 1);
  const received = fold.received();
  return {
    runId: String(summary['runId']),
    flow: String(summary['flow'] ?? ''),
    flowFile: String(summary['flowFile'] ?? ''),
    mode: String(summary['mode'] ?? ''),
    status: String(summary['status'] ?? 'unknown'),
    startedAt: String(summary['startedAt'] ?? ''),
    endedAt: typeof summary['endedAt'] === 'string' ? summary['endedAt'] : undefined,
    actor: fold.actors[0],
    actors: fold.actors,
    components: Object.keys(statuses).map((name) => ({ name, status: statuses[name]!, received: received.get(name) ?? 0, parked: parked.get(name) ?? 0, durationMs: fold.durations.get(name) })),
    parked: typeof summary['parked'] === 'number' ? summary['parked'] : [...parked.values()].reduce((a, b) => a + b, 0),
    error: typeof summary['error'] === 'string' ? summary['error'] : undefined,
    interrupted: summary['status'] === 'interrupted' || fold.interrupted,
    location,
  };
}

/** Where runs are read from for a listing: the runs folder's files, or a run store. */
export interface ListedRuns {
  /** Every run's summary, its `runId` the one the run is listed by (a folder's directory name, whatever the file says); an unreadable one left out. */
  summaries(): Promise<readonly RunSummary[]>;
  /** The run's location, for people (see RunListing.location). */
  location(runId: string): string;
  /** Calls `use` with each record of the given types of every event log of the run, streaming. */
  eachRecord(runId: string, types: typeof RUN_LISTING_RECORDS, use: (record: ListingRecord) => void): Promise<void>;
}

/** Every run's listing, newest first (run ids sort by time); a run whose journal breaks off shows what was read before the break. */
export async function runListings(from: ListedRuns): Promise<RunListing[]> {
  const summaries = [...(await from.summaries())].sort((a, b) => (a.runId < b.runId ? 1 : a.runId > b.runId ? -1 : 0));
  const out: RunListing[] = [];
  for (const summary of summaries) {
    const fold = new RunFold();
    await from.eachRecord(summary.runId, RUN_LISTING_RECORDS, (r) => fold.add(r)).catch(() => undefined);
    out.push(runListing(from.location(summary.runId), summary as unknown as Readonly<Record<string, unknown>>, fold));
  }
  return out;
}

