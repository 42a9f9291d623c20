// Runs a flow of one connection through the real executor (the CLI bundle as a child process) and measures it from outside.
import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileRecords } from '../../protocol/journal-files';
import { BATCH_RECORD_TYPES, expandRecord } from '../../protocol/journal-batches';
import { runIdsIn } from '../../test/support/run-folders';
import { MAIN_LOG } from '../../executor/run-store';
import { PostgresRunStore } from '../../executor/stores/postgres-run-store';

export interface ExecutorFigures {
  readonly exitCode: number | string;
  /** Process start to exit. */
  readonly wallMs: number;
  /** The journal's first `in-flight` record to its last `committed` one: the messages moving. */
  readonly transferMs: number;
  readonly delivered: number;
  /** The highest VmHWM seen in /proc/<pid>/status while the process ran, in MB. */
  readonly peakRssMb: number;
  /** User + system CPU seconds of the process (its last /proc/<pid>/stat before exit). */
  readonly cpuSeconds: number;
  readonly journalMb: number;
  readonly stderr: string;
}

export interface ExecutorRunInput {
  readonly cli: string;
  readonly dir: string;
  readonly brokers: string;
  readonly amqpUrl: string;
  /** The flow's text (see `benchFlow`). */
  readonly flow: string;
  /** Directory for a V8 CPU profile of the executor (node --cpu-prof), when set. */
  readonly cpuProfileDir?: string;
  /** More variables for the executor (OTEL_* to export its spans). */
  readonly env?: Readonly<Record<string, string>>;
  /** A PostgreSQL run store (`--runs-store`) to keep the run in instead of the runs folder. */
  readonly runsStore?: string;
}

/** A Kafka topic or a RabbitMQ queue, as one end of a benchmark's connection. */
export type BenchEnd = { readonly topic: string } | { readonly queue: string };

function component(name: string, end: BenchEnd): string {
  return 'topic' in end
    ? `  ${name}:\n    type: kafka\n    brokers: ["\${env:FLOWTRACER_TEST_KAFKA_BROKERS}"]\n    topic: ${end.topic}\n`
    : `  ${name}:\n    type: mq\n    url: "\${env:FLOWTRACER_TEST_AMQP_URL}"\n    queue: ${end.queue}\n`;
}

/** One connection from `source` to `target` that ends on its own: a topic up to its end at the start, a queue drained. */
export function benchFlow(name: string, source: BenchEnd, target: BenchEnd): string {
  const select = 'topic' in source ? '{ from: earliest, until: end }' : '{ until: empty }';
  return `flow: ${name}\ncomponents:\n${component('Source', source)}${component('Target', target)}connections:\n  - from: Source\n    to: Target\n    select: ${select}\n`;
}

export function highWaterMb(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined; // exited between two polls
  }
}

/** utime + stime from /proc/<pid>/stat, in seconds (USER_HZ is 100 on Linux). */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** First `in-flight` and last `committed` times and the number of `delivered` records, streamed (a 1M journal is large), batches expanded. */
async function journalTimes(file: string): Promise<{ first: number; last: number; delivered: number }> {
  let first = NaN;
  let last = NaN;
  let delivered = 0;
  for await (const r of fileRecords(file, ['in-flight', 'delivered', 'committed'])) {
    if (r.t === 'committed') last = Date.parse(r.at);
    else if (r.t === 'delivered') delivered++;
    else if (Number.isNaN(first)) first = Date.parse(r.at);
  }
  return { first, last, delivered };
}

/** `journalTimes` of the one run in a run store, and the size of its records. */
async function storeTimes(url: string): Promise<{ transferMs: number; delivered: number; journalMb: number }> {
  const store = await PostgresRunStore.open(url);
  try {
    const [summary] = await store.listRuns();
    const run = store.run(summary!.runId);
    let first = NaN;
    let last = NaN;
    let delivered = 0;
    let bytes = 0;
    // The records as stored (batches whole) for their size, then as the records they hold.
    for await (const stored of run.records(MAIN_LOG, ['in-flight', 'delivered', 'committed', ...BATCH_RECORD_TYPES])) {
      bytes += JSON.stringify(stored).length + 1;
      for (const r of expandRecord(stored)) {
        if (r.t === 'committed') last = Date.parse(r.at);
        else if (r.t === 'delivered') delivered++;
        else if (r.t === 'in-flight' && Number.isNaN(first)) first = Date.parse(r.at);
      }
    }
    return { transferMs: last - first, delivered, journalMb: bytes / 1024 / 1024 };
  } finally {
    await store.close();
  }
}

export async function runExecutor(input: ExecutorRunInput): Promise<ExecutorFigures> {
  const flowFile = join(input.dir, 'bench.flow.yaml');
  const runsDir = join(input.dir, 'runs');
  writeFileSync(flowFile, input.flow);
  const nodeArgs = input.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${input.cpuProfileDir}`] : [];
  const env = { ...process.env, FLOWTRACER_TEST_KAFKA_BROKERS: input.brokers, FLOWTRACER_TEST_AMQP_URL: input.amqpUrl, ...input.env };
  const started = performance.now();
  const where = input.runsStore ? ['--runs-store', input.runsStore] : ['--runs-dir', runsDir];
  const child = spawn(process.execPath, [...nodeArgs, input.cli, 'run', flowFile, ...where], { stdio: ['ignore', 'ignore', 'pipe'], env });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let peak = 0;
  let cpu = 0;
  const poll = setInterval(() => {
    peak = Math.max(peak, highWaterMb(child.pid!) ?? 0);
    cpu = Math.max(cpu, cpuSeconds(child.pid!) ?? 0);
  }, 50);
  const exitCode = await new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code ?? -1)));
  clearInterval(poll);
  const wallMs = performance.now() - started;
  if (input.runsStore) return { exitCode, wallMs, ...(await storeTimes(input.runsStore)), peakRssMb: peak, cpuSeconds: cpu, stderr };
  const [runId] = runIdsIn(runsDir);
  if (!runId) throw new Error(`the executor exited with ${exitCode} before it started a run:\n${stderr}`);
  const journal = join(runsDir, runId, 'journal.ndjson');
  const times = await journalTimes(journal);
  const { size } = statSync(journal);
  return { exitCode, wallMs, transferMs: times.last - times.first, delivered: times.delivered, peakRssMb: peak, cpuSeconds: cpu, journalMb: size / 1024 / 1024, stderr };
}
