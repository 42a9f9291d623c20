// The Runs view's data: each run's summary.json and event logs (read through the journal protocol) into runs -> components with counts.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eachJournalRecord } from '../../protocol/journal-files';
import { isRunId, legacyConnectionEnds, SUMMARY_FILE, type JournalRecord } from '../../protocol/journal-records';
import { parseActor, type Actor } from '../../flow/actor';

export interface ComponentRun {
  readonly name: string;
  readonly status: string;
  /** Messages written into this component (it was a connection's target). */
  readonly received: number;
  /** Messages parked on their way into this component. */
  readonly parked: number;
  readonly durationMs: number | undefined;
}

export interface RunRecord {
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
  readonly directory: string;
}

/** The records the Runs view reads; the others (in-flight, committed, replies) are most of a long run's journal. */
const VIEW_RECORDS = ['run-start', 'retry-start', 'resumed', 'delivered', 'parked', 'unparked', 'component', 'interrupted'] as const;


/** Folds a run's journal records, one at a time (a long run's journal does not fit in memory), into what the view shows. */
class RunFold {
  /** Delivered messages per connection label; the labels' targets come from run-start's `connections`. */
  private readonly deliveredOn = new Map<string, number>();
  private readonly targets = new Map<string, string>();
  readonly started = new Map<string, number>();
  readonly durations = new Map<string, number>();
  readonly open = new Map<string, string>();
  readonly actors: Actor[] = [];
  interrupted = false;

  add(r: JournalRecord): void {
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

/** Reads one run directory's summary text and journal records; undefined when the summary is unreadable. */
export function parseRun(directory: string, summaryText: string, records: Iterable<JournalRecord>): RunRecord | undefined {
  const fold = new RunFold();
  for (const r of records) fold.add(r);
  return runRecord(directory, summaryText, fold);
}

function runRecord(directory: string, summaryText: string, fold: RunFold): RunRecord | undefined {
  let summary: Record<string, unknown>;
  try {
    summary = JSON.parse(summaryText) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const statuses = (summary['components'] ?? {}) as Record<string, string>;
  const parked = new Map<string, number>();
  for (const component of fold.open.values()) parked.set(component, (parked.get(component) ?? 0) + 1);
  const names = Object.keys(statuses);
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
    components: names.map((name) => ({ name, status: statuses[name]!, received: received.get(name) ?? 0, parked: parked.get(name) ?? 0, durationMs: fold.durations.get(name) })),
    parked: typeof summary['parked'] === 'number' ? summary['parked'] : [...parked.values()].reduce((a, b) => a + b, 0),
    error: typeof summary['error'] === 'string' ? summary['error'] : undefined,
    interrupted: summary['status'] === 'interrupted' || fold.interrupted,
    directory,
  };
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Every readable run under `runsDir`, newest first (run ids sort by time). */
export async function readRunHistory(runsDir: string): Promise<RunRecord[]> {
  let entries: string[];
  try {
    entries = await readdir(runsDir);
  } catch {
    return [];
  }
  const runs: RunRecord[] = [];
  for (const id of entries.sort().reverse()) {
    // A run is a directory named by a run id; that name, never the summary's `runId`, is what commands use.
    if (!isRunId(id)) continue;
    const dir = join(runsDir, id);
    const summary = await readText(join(dir, SUMMARY_FILE));
    if (summary === undefined) continue;
    const fold = new RunFold();
    // Every process's event log; an unreadable one (a bad line mid-file) shows what was read before it.
    await eachJournalRecord(dir, VIEW_RECORDS, (r) => fold.add(r)).catch(() => undefined);
    const run = runRecord(dir, summary, fold);
    if (run) runs.push({ ...run, runId: id });
  }
  return runs;
}

/** The components of a run that hold parked messages or failed: what Retry All Failed retries. */
export function failedComponents(run: RunRecord): string[] {
  return run.components.filter((c) => c.status === 'failed' || c.parked > 0).map((c) => c.name);
}

/** The latest status of each component of a flow across history (for CodeLens). */
export function lastStatuses(runs: readonly RunRecord[], flowFile: string): Map<string, { status: string; runId: string }> {
  const out = new Map<string, { status: string; runId: string }>();
  for (const run of runs) {
    if (run.flowFile !== flowFile) continue;
    for (const c of run.components) if (!out.has(c.name)) out.set(c.name, { status: c.status, runId: run.runId });
  }
  return out;
}
