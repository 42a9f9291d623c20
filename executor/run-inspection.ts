// Reading finished runs for the CLI: the list of runs, one run's details, a message's path (trace).
import type { JournalRecord, RunSummary } from '../protocol/journal-records';
import { JournalError } from '../protocol/journal-files';
import { OpenParked } from './run-history';
import { eachRunRecord, MAIN_LOG, type RunStore } from './run-store';

export interface RunDetails {
  readonly summary: RunSummary;
  readonly parked: readonly { readonly connection: string; readonly component: string; readonly key: string | null; readonly source: string; readonly error: string }[];
  /**
   * Messages sent to a target whose source position was never committed (the run was killed, or
   * an AMQP source lost its channel), and messages sent again after an attempt that got no answer
   * (timeout, lost connection): the only messages the target may hold twice.
   */
  readonly inDoubt: readonly { readonly connection: string; readonly key: string | null; readonly source: string; readonly worker: string }[];
  /** The processes that wrote the run (`main` started it; others joined it) and how many messages each delivered. */
  readonly workers: readonly { readonly worker: string; readonly delivered: number; readonly ended: boolean }[];
  readonly tornTail: boolean;
}

type Doubt = { readonly connection: string; readonly key: string | null; readonly source: string };

/**
 * In-flight records without a commit of that send: a position sent, not committed and sent again
 * (the commit was refused, e.g. its Kafka partition moved in a rebalance) stays in doubt even
 * though the second send was committed. So does a message delivered (or parked) after an attempt
 * that got no answer (timeout, lost connection: `inDoubt`), which the target may hold twice.
 * Folded record by record: what it holds is the sends not committed yet, not the run.
 */
class InDoubtWindow {
  private readonly open = new Map<string, Doubt>();
  private readonly resent = new Map<string, Doubt>();

  add(r: JournalRecord): void {
    const id = r.t === 'in-flight' || r.t === 'committed' || r.t === 'unsent' ? `${r.connection}\u0000${r.source}` : undefined;
    if (r.t === 'in-flight') {
      if (this.open.has(id!)) this.resent.set(id!, this.open.get(id!)!);
      this.open.set(id!, { connection: r.connection, key: r.key, source: r.source });
    } else if (r.t === 'committed' || r.t === 'unsent') this.open.delete(id!);
    else if ((r.t === 'delivered' || r.t === 'parked') && r.inDoubt) this.resent.set(`${r.connection}\u0000${r.source}`, { connection: r.connection, key: r.key, source: r.source });
  }

  list(): Doubt[] {
    const all = new Map(this.open);
    for (const [id, entry] of this.resent) if (!all.has(id)) all.set(id, entry);
    return [...all.values()];
  }
}

/** The records an in-doubt window is folded from. */
const IN_DOUBT_RECORDS = ['in-flight', 'committed', 'unsent', 'delivered', 'parked'] as const;

/** `InDoubtWindow` of records in memory (a test's small journal). */
export function inDoubtWindow(records: readonly JournalRecord[]): Doubt[] {
  const window = new InDoubtWindow();
  for (const r of records) window.add(r);
  return window.list();
}

const DETAIL_RECORDS = [...IN_DOUBT_RECORDS, 'unparked', 'worker-end', 'run-end'] as const;

/** A run's details for `show`, each event log streamed once and folded to what is printed. */
export async function runDetails(store: RunStore, runId: string): Promise<RunDetails> {
  const run = store.run(runId);
  const summary = await run.readSummary();
  const parked = new OpenParked<RunDetails['parked'][number] & { readonly id: string }>();
  const inDoubt: RunDetails['inDoubt'][number][] = [];
  const workers: RunDetails['workers'][number][] = [];
  let tornTail = false;
  for (const log of await run.logs()) {
    const window = new InDoubtWindow();
    let delivered = 0;
    let ended = false;
    try {
      for await (const r of run.records(log, DETAIL_RECORDS)) {
        if (r.t === 'unparked') parked.unpark(r.id);
        else if (r.t === 'worker-end' || r.t === 'run-end') ended = true;
        else {
          window.add(r);
          if (r.t === 'delivered') delivered++;
          else if (r.t === 'parked') parked.park({ id: r.id, connection: r.connection, component: r.component, key: r.key, source: r.source, error: r.error });
        }
      }
      tornTail ||= await run.tornTail(log);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      if (log === MAIN_LOG) throw new JournalError(`no run at ${run.location}`);
      continue;
    }
    const worker = log;
    workers.push({ worker, delivered, ended });
    for (const d of window.list()) inDoubt.push({ ...d, worker });
  }
  return { summary, parked: parked.list().map(({ id: _id, ...p }) => p), inDoubt, workers, tornTail };
}

export interface TraceHop {
  readonly runId: string;
  readonly at: string;
  readonly connection: string;
  readonly traceId: string;
  readonly key: string | null;
  readonly source: string;
  /** The target position, `parked`, or `in flight`. */
  readonly outcome: string;
}

/** Every hop of every run whose trace id or key is `idOrKey`, in journal order. */
export async function traceMessage(store: RunStore, idOrKey: string): Promise<TraceHop[]> {
  const hops: TraceHop[] = [];
  for (const summary of await store.listRuns()) {
    await eachRunRecord(store.run(summary.runId), ['delivered', 'parked'], (r) => {
      if (r.traceId !== idOrKey && r.key !== idOrKey) return;
      hops.push({ runId: summary.runId, at: r.at, connection: r.connection, traceId: r.traceId, key: r.key, source: r.source, outcome: r.t === 'delivered' ? r.target : `parked: ${r.error}` });
    });
  }
  return hops;
}

