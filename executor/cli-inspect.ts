// The CLI's read-only commands over recorded runs: runs, show RUN, trace ID|KEY.
import { deliveredTerm } from '../protocol/delivery-wording';
import { ExitCode, type CommonFlags } from './cli-commands';
import { markInterruptedRuns } from './run-interrupts';
import { runDetails, traceMessage } from './run-inspection';

function print(json: boolean, value: unknown, lines: () => string[]): void {
  if (json) process.stdout.write(`${JSON.stringify(value)}\n`);
  else for (const line of lines()) process.stdout.write(`${line}\n`);
}

export async function runsCommand(flags: CommonFlags): Promise<number> {
  await markInterruptedRuns(flags.store);
  const runs = await flags.store.listRuns();
  print(flags.json, { runs }, () => (runs.length === 0 ? ['no runs'] : runs.map((r) => `${r.runId}  ${r.status.padEnd(11)} ${r.flow} (${r.mode})${r.parked ? `  ${r.parked} parked` : ''}`)));
  return ExitCode.ok;
}

export async function showCommand(runId: string, flags: CommonFlags): Promise<number> {
  await markInterruptedRuns(flags.store);
  const details = await runDetails(flags.store, runId);
  const s = details.summary;
  print(flags.json, details, () => [
    `run ${s.runId}: ${s.flow} (${s.mode}) ${s.status}${s.error ? `: ${s.error}` : ''}`,
    `  started ${s.startedAt}${s.endedAt ? `, ended ${s.endedAt}` : ''}${s.resumed ? `, resumed ${s.resumed} time${s.resumed === 1 ? '' : 's'} (totals of the whole run)` : ''}`,
    ...Object.entries(s.components).map(([name, status]) => `  ${name}: ${status}`),
    ...s.reconciliation.map((r) => `  ${r.connection}: read ${r.read} = ${deliveredTerm(r.delivered, s.mode === 'dry-run')} + parked ${r.parked} + filtered ${r.filtered}${r.balanced ? '' : '  MISMATCH'}`),
    ...details.parked.map((p) => `  parked ${p.key ?? p.source} (${p.connection}): ${p.error}`),
    ...(details.workers.length > 1 ? [`  processes: ${details.workers.map((w) => `${w.worker} delivered ${w.delivered}${w.ended ? '' : ' (not ended)'}`).join(', ')}`] : []),
    ...(details.inDoubt.length > 0 ? [`  in-flight window (sent and never committed, or sent again: may have arrived twice): ${details.inDoubt.length} message(s)`, ...details.inDoubt.slice(0, 20).map((d) => `    ${d.connection} ${d.key ?? ''} ${d.source}${details.workers.length > 1 ? ` (${d.worker})` : ''}`)] : []),
  ]);
  return ExitCode.ok;
}

export async function traceCommand(idOrKey: string, flags: CommonFlags): Promise<number> {
  await markInterruptedRuns(flags.store);
  const hops = await traceMessage(flags.store, idOrKey);
  print(flags.json, { hops }, () => (hops.length === 0 ? [`no message with trace id or key '${idOrKey}'`] : hops.map((h) => `${h.at}  ${h.runId}  ${h.connection}  ${h.source} -> ${h.outcome}  key ${h.key ?? '-'}  trace ${h.traceId}`)));
  return hops.length === 0 ? ExitCode.notFound : ExitCode.ok;
}
