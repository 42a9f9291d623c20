// The Runs view's data: each run's summary.json and journal.ndjson read into runs -> components with counts.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseActor, type Actor } from '../access/actor';

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

interface Line {
  readonly t: string;
  readonly at?: string;
  readonly [key: string]: unknown;
}

function parseLines(text: string): Line[] {
  const out: Line[] = [];
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    try {
      const v = JSON.parse(raw) as Line;
      if (v && typeof v.t === 'string') out.push(v);
    } catch {
      // A torn last line (the process died mid-write) carries nothing to show.
    }
  }
  return out;
}

function targetOf(connection: unknown): string | undefined {
  return typeof connection === 'string' ? connection.split(' -> ')[1]?.trim() : undefined;
}

/** Reads one run directory; undefined when it holds no readable summary. */
export function parseRun(directory: string, summaryText: string, journalText: string): RunRecord | undefined {
  let summary: Record<string, unknown>;
  try {
    summary = JSON.parse(summaryText) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const lines = parseLines(journalText);
  const statuses = (summary['components'] ?? {}) as Record<string, string>;
  const received = new Map<string, number>();
  const parked = new Map<string, number>();
  const started = new Map<string, number>();
  const durations = new Map<string, number>();
  const open = new Map<string, string>();
  const actors: Actor[] = [];
  for (const l of lines) {
    if (l.t === 'run-start' || l.t === 'retry-start' || l.t === 'resumed') {
      if (typeof l['actor'] === 'string') actors.push(parseActor(l['actor']));
    } else if (l.t === 'delivered') {
      const to = targetOf(l['connection']);
      if (to) received.set(to, (received.get(to) ?? 0) + 1);
    } else if (l.t === 'parked') {
      open.set(String(l['id']), String(l['component']));
    } else if (l.t === 'unparked') {
      open.delete(String(l['id']));
    } else if (l.t === 'component' && typeof l['component'] === 'string' && l.at) {
      const name = l['component'];
      const time = Date.parse(l.at);
      if (l['status'] === 'running') started.set(name, time);
      else if (started.has(name) && l['status'] !== 'pending' && l['status'] !== 'preflight') durations.set(name, time - started.get(name)!);
    }
  }
  for (const component of open.values()) parked.set(component, (parked.get(component) ?? 0) + 1);
  const names = Object.keys(statuses);
  return {
    runId: String(summary['runId']),
    flow: String(summary['flow'] ?? ''),
    flowFile: String(summary['flowFile'] ?? ''),
    mode: String(summary['mode'] ?? ''),
    status: String(summary['status'] ?? 'unknown'),
    startedAt: String(summary['startedAt'] ?? ''),
    endedAt: typeof summary['endedAt'] === 'string' ? summary['endedAt'] : undefined,
    actor: actors[0],
    actors,
    components: names.map((name) => ({ name, status: statuses[name]!, received: received.get(name) ?? 0, parked: parked.get(name) ?? 0, durationMs: durations.get(name) })),
    parked: typeof summary['parked'] === 'number' ? summary['parked'] : [...parked.values()].reduce((a, b) => a + b, 0),
    error: typeof summary['error'] === 'string' ? summary['error'] : undefined,
    interrupted: summary['status'] === 'interrupted' || lines.some((l) => l.t === 'interrupted'),
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
    const dir = join(runsDir, id);
    const summary = await readText(join(dir, 'summary.json'));
    if (summary === undefined) continue;
    const run = parseRun(dir, summary, (await readText(join(dir, 'journal.ndjson'))) ?? '');
    if (run) runs.push(run);
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
