// Writes the journal of an interrupted kafka→mq run as the executor records it, through its own Journal writer (tests, bench:journal-memory).
import { Journal, writeSummaryAtomically } from '../../executor/journal-writer';
import { Redactor } from '../../executor/redaction';
import { runDirectory } from '../../executor/run-paths';
import type { RunSummary } from '../../protocol/journal-records';

/**
 * What became of one message: `committed` (sent, delivered, committed), `refused` (delivered, the
 * source refused the commit), `killed` (sent, the run died before the answer), `parked` (sent,
 * parked with its payload, committed), `unread` (the run never got to it).
 */
export type Fate = 'committed' | 'refused' | 'killed' | 'parked' | 'unread';

export interface RecordedRun {
  readonly runsDir: string;
  readonly runId: string;
  readonly flow: string;
  readonly flowFile: string;
  /** The source and target components: the connection is `source -> target`. */
  readonly source: string;
  readonly target: string;
  readonly topic: string;
  readonly partitions: number;
  /** Offsets 0 .. perPartition - 1 of each partition, read partition after partition in turns of `turn` messages. */
  readonly perPartition: number;
  readonly fate: (partition: number, offset: number) => Fate;
  readonly key: (partition: number, offset: number) => string;
  /** The payload of a parked message, as read from the source. */
  readonly payload: (partition: number, offset: number) => Buffer;
  /** Messages of one partition read in a row (a fetch); 1 by default. */
  readonly turn?: number;
  /** Records appended between two flushes (a run flushes a batch at a time); 1,000 by default. */
  readonly flushEvery?: number;
  /** The source's share (`run --join`: a Kafka consumer group and its offsets), recorded as the starting process records it. */
  readonly shared?: Readonly<Record<string, unknown>>;
  /** Called every 1,000,000 messages, with how many are written. */
  readonly progress?: (messages: number) => void;
}

/** Writes the journal and an `interrupted` summary; resolves the run directory and how many records it holds. */
export async function recordRun(run: RecordedRun): Promise<{ directory: string; records: number }> {
  const directory = runDirectory(run.runsDir, run.runId);
  const journal = await Journal.open(directory, new Redactor());
  const connection = `${run.source} -> ${run.target}`;
  const startedAt = new Date().toISOString();
  let records = 0;
  const flushEvery = run.flushEvery ?? 1000;
  /** Appends; true when a batch is full and the caller flushes. */
  const append = (record: Parameters<Journal['append']>[0]): boolean => {
    journal.append(record);
    return ++records % flushEvery === 0;
  };
  try {
    append({ t: 'run-start', runId: run.runId, flow: run.flow, flowFile: run.flowFile, mode: 'warn', actor: 'bench', versions: { flowtracer: '0.1.0', node: process.version } });
    if (run.shared) append({ t: 'shared', connection, source: run.shared });
    append({ t: 'component', component: run.target, status: 'running' });
    const turn = run.turn ?? 1;
    let messages = 0;
    let delivered = 0;
    for (let start = 0; start < run.perPartition; start += turn) {
      for (let partition = 0; partition < run.partitions; partition++) {
        for (let offset = start; offset < Math.min(start + turn, run.perPartition); offset++) {
          const fate = run.fate(partition, offset);
          if (++messages % 1_000_000 === 0) run.progress?.(messages);
          if (fate === 'unread') continue;
          const source = `${run.topic}/${partition}@${offset}`;
          const message = { connection, traceId: messages.toString(16).padStart(32, '0'), key: run.key(partition, offset), source };
          let full = append({ ...message, t: 'in-flight' });
          if (fate === 'parked') {
            full = append({ t: 'parked', id: `${connection}@${source}`, connection, component: run.target, traceId: message.traceId, key: message.key, source, payload: run.payload(partition, offset).toString('base64'), headers: {}, error: 'HTTP 503 (gave up after 3 attempts: max attempts)', attempts: 3 }) || full;
          } else if (fate !== 'killed') {
            full = append({ ...message, t: 'delivered', target: `(default)/${run.target}#${++delivered}` }) || full;
          }
          if (fate === 'committed' || fate === 'parked') full = append({ t: 'committed', connection, source }) || full;
          if (full) await journal.flush();
        }
      }
    }
  } finally {
    await journal.close();
  }
  const summary: RunSummary = {
    runId: run.runId, flow: run.flow, flowFile: run.flowFile, mode: 'warn', status: 'interrupted', startedAt, endedAt: new Date().toISOString(),
    components: { [run.target]: 'running' }, reconciliation: [], parked: 0, ...(run.shared ? { shared: { [connection]: run.shared } } : {}),
  };
  await writeSummaryAtomically(directory, summary);
  return { directory, records };
}
