// Reading finished runs for the CLI: the list of runs, one run's details, a message's path (trace).
import type { JournalRecord, RunSummary } from '../protocol/journal-records';
import { listRuns, readJournal, readJournalFiles, readSummary } from '../protocol/journal-files';
import { runDirectory } from './run-paths';
import { openParked } from './run-history';

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

/**
 * In-flight records without a commit of that send: a position sent, not committed and sent again
 * (the commit was refused, e.g. its Kafka partition moved in a rebalance) stays in doubt even
 * though the second send was committed. So does a message delivered (or parked) after an attempt
 * that got no answer (timeout, lost connection: `inDoubt`), which the target may hold twice.
 */
export function inDoubtWindow(records: readonly JournalRecord[]): { readonly connection: string; readonly key: string | null; readonly source: string }[] {
  const open = new Map<string, { connection: string; key: string | null; source: string }>();
  const resent = new Map<string, { connection: string; key: string | null; source: string }>();
  for (const r of records) {
    const id = r.t === 'in-flight' || r.t === 'committed' || r.t === 'unsent' ? `${r.connection}\u0000${r.source}` : undefined;
    if (r.t === 'in-flight') {
      if (open.has(id!)) resent.set(id!, open.get(id!)!);
      open.set(id!, { connection: r.connection, key: r.key, source: r.source });
    } else if (r.t === 'committed' || r.t === 'unsent') open.delete(id!);
    else if ((r.t === 'delivered' || r.t === 'parked') && r.inDoubt) resent.set(`${r.connection}\u0000${r.source}`, { connection: r.connection, key: r.key, source: r.source });
  }
  for (const [id, entry] of resent) if (!open.has(id)) open.set(id, entry);
  return [...open.values()];
}

/**
 * The in-flight window of a run, per process: a message one process sent and never committed stays
 * in doubt even when another process (which took over its partition) delivered it again.
 */
export function inDoubtAcrossWorkers(files: readonly { readonly worker: string; readonly records: readonly JournalRecord[] }[]): RunDetails['inDoubt'] {
  return files.flatMap((f) => inDoubtWindow(f.records).map((d) => ({ ...d, worker: f.worker })));
}

export async function runDetails(runsDir: string, runId: string): Promise<RunDetails> {
  const directory = runDirectory(runsDir, runId);
  const summary = await readSummary(directory);
  const files = await readJournalFiles(directory);
  const records = files.flatMap((f) => f.records);
  const parked = openParked(records).map(({ connection, component, key, source, error }) => ({ connection, component, key, source, error }));
  const workers = files.map((f) => ({
    worker: f.worker,
    delivered: f.records.filter((r) => r.t === 'delivered').length,
    ended: f.records.some((r) => r.t === 'worker-end' || r.t === 'run-end'),
  }));
  return { summary, parked, inDoubt: inDoubtAcrossWorkers(files), workers, tornTail: files.some((f) => f.tornTail) };
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
export async function traceMessage(runsDir: string, idOrKey: string): Promise<TraceHop[]> {
  const hops: TraceHop[] = [];
  for (const summary of await listRuns(runsDir)) {
    const { records } = await readJournal(runDirectory(runsDir, summary.runId));
    for (const r of records) {
      if (r.t !== 'delivered' && r.t !== 'parked') continue;
      if (r.traceId !== idOrKey && r.key !== idOrKey) continue;
      hops.push({ runId: summary.runId, at: r.at, connection: r.connection, traceId: r.traceId, key: r.key, source: r.source, outcome: r.t === 'delivered' ? r.target : `parked: ${r.error}` });
    }
  }
  return hops;
}

export { listRuns };
