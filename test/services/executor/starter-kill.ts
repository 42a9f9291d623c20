// Kills the process that started a shared run while it is mid-run and a joined process delivers too, whatever the delivery speed.
import * as assert from 'node:assert/strict';
import { parsePosition } from '../../../executor/connectors/kafka-reader';
import type { JournalRecord } from '../../../protocol/journal-records';
import { type CliProcess, until } from './cli-process';

type Delivered = Extract<JournalRecord, { t: 'delivered' }>;

/** The event logs of a run, per worker (`main` is the starter's), as a folder or the store keeps them. */
export type WorkerLogs = () => Promise<readonly { readonly worker: string; readonly records: readonly JournalRecord[] }[]>;

function deliveries(logs: Awaited<ReturnType<WorkerLogs>>): Map<string, number> {
  return new Map(logs.map((f) => [f.worker, f.records.filter((r) => r.t === 'delivered').length]));
}

/**
 * Freezes the starter (SIGSTOP) once it delivered 20 messages and its last one lies more than 50
 * from its partition's end, so it cannot finish its partitions before a joined process delivers
 * (a fast starter did, and the wait timed out); once a joined process delivered 20 (its share, or
 * the frozen starter's partitions after its group session timed out), SIGKILLs it. Returns the
 * deliveries per worker at the kill.
 */
export async function killStarterMidRun(starter: CliProcess, ends: ReadonlyMap<number, bigint>, logs: WorkerLogs): Promise<Map<string, number>> {
  await until('the starter delivering far from a partition\'s end', async () => {
    const main = (await logs()).find((f) => f.worker === 'main')?.records.filter((r): r is Delivered => r.t === 'delivered');
    const last = main?.at(-1);
    if (!main || main.length < 20 || !last) return undefined;
    const { partition, offset } = parsePosition(last.source);
    return ends.get(partition)! - offset > 50n || undefined;
  }, 60_000);
  starter.child.kill('SIGSTOP');
  const atKill = await until('a joined process delivering', async () => {
    const counts = deliveries(await logs());
    return [...counts].some(([worker, n]) => worker !== 'main' && n >= 20) ? counts : undefined;
  }, 60_000);
  starter.child.kill('SIGKILL');
  assert.equal(await starter.exit, 'SIGKILL');
  return atKill;
}
