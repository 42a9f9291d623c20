// `flowtracer redrive`: the dead letters in a component grouped by origin and reason, and each picked origin moved back as an ordinary run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { durationProblem, parseDuration } from '../flow/durations';
import { DEAD_LETTER_DEFAULTS } from '../flow/schema';
import { UsageError } from './cli-arguments';
import { ExitCode, withEngine, type CommonFlags } from './cli-commands';
import { openRunStore } from './run-stores';
import { COMMON_OPTIONS, guarded, parseCommand, say, wholeNumber } from './cli-message-args';
import { startRun } from './engine';
import { browseComponent, componentAddresses, connectorFor, loadComponent } from './messages/component-messages';
import { DeadLetterGroups, type DeadLetterGroup } from './messages/dead-letters';
import { planRedrive, redriveFlowText } from './messages/redrive-plan';

const REDRIVE_OPTIONS = {
  ...COMMON_OPTIONS,
  to: { type: 'string' },
  origin: { type: 'string', multiple: true },
  reason: { type: 'string', multiple: true },
  'dry-run': { type: 'boolean' },
  'keep-headers': { type: 'boolean' },
  'max-redrives': { type: 'string' },
  'runs-dir': { type: 'string' },
  'stop-grace': { type: 'string' },
} as const;

function describeGroup(g: DeadLetterGroup): string {
  return `${g.originId} (${g.reason}): ${g.count} message${g.count === 1 ? '' : 's'}${g.tooOften > 0 ? `, ${g.tooOften} redriven too often (left)` : ''}`;
}

export async function redriveCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, REDRIVE_OPTIONS, ['FILE', 'COMPONENT']);
  const [file, name] = positionals as [string, string];
  const json = values.json === true;
  const maxRedrives = wholeNumber(values['max-redrives'], '--max-redrives', 0) ?? DEAD_LETTER_DEFAULTS.maxRedrives;
  const keepHeaders = values['keep-headers'] === true;
  const runsDir = resolve(values['runs-dir'] ?? '.flowtracer/runs');
  return guarded('redrive', file, json, values['github-api-url'], async (signal) => {
    const { component, model, file: path } = loadComponent(file, name);
    const to = values.to === undefined ? undefined : model.components.find((c) => c.name === values.to);
    if (values.to !== undefined && !to) throw new UsageError(`--to: the flow has no component '${values.to}'`);
    if (to && to.type !== 'kafka' && to.type !== 'mq') throw new UsageError(`--to ${to.name}: dead letters are redriven to kafka and mq components`);
    if (to?.name === name) throw new UsageError('--to names the dead-letter component itself');
    // What is there, read-only: the groups by origin and reason.
    const groups = new DeadLetterGroups(maxRedrives);
    const connector = await connectorFor(component, signal);
    try {
      await browseComponent(connector, { limit: Number.MAX_SAFE_INTEGER }, {}, signal, (m) => groups.add(m.headers), say);
    } finally {
      await connector.close();
    }
    const picked = groups.list().filter((g) => (!values.origin || values.origin.includes(g.originId)) && (!values.reason || values.reason.includes(g.reason)));
    const plan = planRedrive(picked.filter((g) => g.count > 0), await componentAddresses(model, signal), name, to);
    const tooOften = picked.reduce((n, g) => n + g.tooOften, 0);
    const report = {
      groups: picked.map((g) => ({ origin: g.originId, reason: g.reason, count: g.count, tooOften: g.tooOften, to: plan.moves.find((m) => m.groups.includes(g))?.target.name ?? null })),
      notDeadLetters: groups.notDeadLetters,
    };
    if (!json) {
      for (const g of picked) {
        const target = plan.moves.find((m) => m.groups.includes(g))?.target.name;
        process.stdout.write(`${describeGroup(g)} -> ${target ?? (g.count > 0 ? 'no component of the flow is this origin: pass --to COMPONENT' : 'nothing to move')}\n`);
      }
      if (groups.notDeadLetters > 0) process.stdout.write(`${groups.notDeadLetters} message${groups.notDeadLetters === 1 ? ' is' : 's are'} no dead letter${groups.notDeadLetters === 1 ? '' : 's'} (left)\n`);
      if (picked.length === 0) process.stdout.write(`no dead letters${values.origin || values.reason ? ' match' : ''} in ${name}\n`);
    }
    if (tooOften > 0) process.stderr.write(`flowtracer redrive: ${tooOften} message${tooOften === 1 ? ' was' : 's were'} redriven ${maxRedrives} times already and stay${tooOften === 1 ? 's' : ''} in ${name} (--max-redrives)\n`);
    if (json) process.stdout.write(`${JSON.stringify({ dryRun: values['dry-run'] === true, ...report })}\n`);
    if (values['dry-run']) return ExitCode.ok;
    // Each move is an ordinary run of a flow of two components, one after the other (a queue is read by one connection at a time).
    const folder = join(dirname(runsDir), 'redrives');
    mkdirSync(folder, { recursive: true });
    const stopGraceMs = values['stop-grace'] === undefined ? undefined : parseDuration(values['stop-grace']);
    if (values['stop-grace'] !== undefined && stopGraceMs === undefined) throw new UsageError(`--stop-grace: ${durationProblem(values['stop-grace'])}`);
    const runsStore = process.env.FLOWTRACER_RUNS_STORE;
    const store = await openRunStore({ runsDir, ...(runsStore ? { runsStore } : {}) });
    const flags: CommonFlags = { json, runsDir, store, ...(stopGraceMs !== undefined ? { stopGraceMs } : {}), ...(values['github-api-url'] ? { githubApiUrl: values['github-api-url'] } : {}) };
    let worst: number = plan.unmatched.length > 0 ? ExitCode.failed : ExitCode.ok;
    try {
      for (const [i, move] of plan.moves.entries()) {
        if (signal.aborted) return ExitCode.stopped;
        const flowFile = join(folder, `${model.id ?? 'flow'}-${name}-to-${move.target.name}-${Date.now()}-${i}.flow.yaml`);
        writeFileSync(flowFile, `# Written by flowtracer redrive from ${path}\n${redriveFlowText(model, component, move, { maxRedrives, keepHeaders })}`);
        if (!json) process.stderr.write(`flowtracer redrive: ${move.originId} -> ${move.target.name} (flow ${flowFile})\n`);
        const code = await withEngine(flags, `redrive ${name} -> ${move.target.name}`, () => Promise.resolve(flowFile), (d) => startRun(flowFile, {}, d));
        if (code !== ExitCode.ok && (worst === ExitCode.ok || code > worst)) worst = code;
      }
    } finally {
      await store.close().catch(() => undefined);
    }
    return worst;
  });
}
