// Reading finished runs for the CLI: the list of runs, one run's details, a message's path (trace).
import type { JournalRecord, RunSummary } from './journal-records';
import { listRuns, readJournal, readSummary, runDirectory } from './journal';
import { openParked } from './run-history';

export interface RunDetails {
  readonly summary: RunSummary;
  readonly parked: readonly { readonly connection: string; readonly component: string; readonly key: string | null; readonly source: string; readonly error: string }[];
  /**
   * Messages sent to a target whose source position was never committed (the run was killed):
   * the in-flight window, the only messages a resume may deliver twice.
   */
  readonly inDoubt: readonly { readonly connection: string; readonly key: string | null; readonly source: string }[];
  readonly tornTail: boolean;
}

/** In-flight records without a later commit of the same source position on the same connection. */
export function inDoubtWindow(records: readonly JournalRecord[]): RunDetails['inDoubt'] {
  const open = new Map<string, { connection: string; key: string | null; source: string }>();
  for (const r of records) {
    if (r.t === 'in-flight') open.set(`${r.connection}\u0000${r.source}`, { connection: r.connection, key: r.key, source: r.source });
    else if (r.t === 'committed') open.delete(`${r.connection}\u0000${r.source}`);
  }
  return [...open.values()];
}

export async function runDetails(runsDir: string, runId: string): Promise<RunDetails> {
  const directory = runDirectory(runsDir, runId);
  const summary = await readSummary(directory);
  const { records, tornTail } = await readJournal(directory);
  const parked = openParked(records).map(({ connection, component, key, source, error }) => ({ connection, component, key, source, error }));
  return { summary, parked, inDoubt: inDoubtWindow(records), tornTail };
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
