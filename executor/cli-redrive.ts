// `flowtracer redrive`: the dead letters in a component grouped by origin and reason, and each picked origin moved back as an ordinary run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEAD_LETTER_DEFAULTS } from '../flow/schema';
import { optionList, optionText, UsageError, type CliOptions, type CommandInput } from './cli-arguments';
import { ExitCode, withEngine } from './cli-commands';
import { STOP_GRACE, withStore } from './cli-options';
import { guarded, MESSAGE_OPTIONS, say, wholeNumber } from './cli-message-args';
import { startRun } from './engine';
import { browseComponent, componentAddresses, connectorFor, loadComponent } from './messages/component-messages';
import { DeadLetterGroups, type DeadLetterGroup } from './messages/dead-letters';
import { planRedrive, redriveFlowText } from './messages/redrive-plan';

export const REDRIVE_OPTIONS: CliOptions = {
  ...MESSAGE_OPTIONS,
  ...STOP_GRACE,
  to: { type: 'string', value: 'COMPONENT', help: 'move every picked group here instead of to its origin' },
  origin: { type: 'string', value: 'ORIGIN', multiple: true, help: 'only the dead letters of this origin (kafka:TOPIC, mq:QUEUE); repeatable' },
  reason: { type: 'string', value: 'TEXT', multiple: true, help: 'only the dead letters of this reason (rejected, expired…); repeatable' },
  'dry-run': { type: 'boolean', help: 'list the groups and where each would go; move nothing' },
  'keep-headers': { type: 'boolean', help: 'keep the headers the dead-lettering added (default: stripped)' },
  'max-redrives': { type: 'string', value: 'N', help: `leave a message redriven N times already (default ${String(DEAD_LETTER_DEFAULTS.maxRedrives)})` },
};

function describeGroup(g: DeadLetterGroup): string {
  return `${g.originId} (${g.reason}): ${g.count} message${g.count === 1 ? '' : 's'}${g.tooOften > 0 ? `, ${g.tooOften} redriven too often (left)` : ''}`;
}

export async function redriveCommand(input: CommandInput): Promise<number> {
  const [file, name] = [input.args.FILE!, input.args.COMPONENT!];
  const json = input.options.json === true;
  const maxRedrives = wholeNumber(optionText(input, 'max-redrives'), '--max-redrives', 0) ?? DEAD_LETTER_DEFAULTS.maxRedrives;
  const keepHeaders = input.options['keep-headers'] === true;
  const [wantedOrigins, wantedReasons, toName] = [optionList(input, 'origin'), optionList(input, 'reason'), optionText(input, 'to')];
  return guarded('redrive', file, json, optionText(input, 'github-api-url'), async (signal) => {
    const { component, model, file: path } = loadComponent(file, name);
    const to = toName === undefined ? undefined : model.components.find((c) => c.name === toName);
    if (toName !== undefined && !to) throw new UsageError(`--to: the flow has no component '${toName}'`);
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
    const picked = groups.list().filter((g) => (!wantedOrigins || wantedOrigins.includes(g.originId)) && (!wantedReasons || wantedReasons.includes(g.reason)));
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
      if (picked.length === 0) process.stdout.write(`no dead letters${wantedOrigins || wantedReasons ? ' match' : ''} in ${name}\n`);
    }
    if (tooOften > 0) process.stderr.write(`flowtracer redrive: ${tooOften} message${tooOften === 1 ? ' was' : 's were'} redriven ${maxRedrives} times already and stay${tooOften === 1 ? 's' : ''} in ${name} (--max-redrives)\n`);
    if (json) process.stdout.write(`${JSON.stringify({ dryRun: input.options['dry-run'] === true, ...report })}\n`);
    if (input.options['dry-run'] === true) return ExitCode.ok;
    // Each move is an ordinary run of a flow of two components, one after the other (a queue is read by one connection at a time).
    return withStore(input, async (flags) => {
      const folder = join(dirname(flags.runsDir), 'redrives');
      mkdirSync(folder, { recursive: true });
      let worst: number = plan.unmatched.length > 0 ? ExitCode.failed : ExitCode.ok;
      for (const [i, move] of plan.moves.entries()) {
        if (signal.aborted) return ExitCode.stopped;
        const flowFile = join(folder, `${model.id ?? 'flow'}-${name}-to-${move.target.name}-${Date.now()}-${i}.flow.yaml`);
        writeFileSync(flowFile, `# Written by flowtracer redrive from ${path}\n${redriveFlowText(model, component, move, { maxRedrives, keepHeaders })}`);
        if (!json) process.stderr.write(`flowtracer redrive: ${move.originId} -> ${move.target.name} (flow ${flowFile})\n`);
        const code = await withEngine(flags, `redrive ${name} -> ${move.target.name}`, () => Promise.resolve(flowFile), (d) => startRun(flowFile, {}, d));
        if (code !== ExitCode.ok && (worst === ExitCode.ok || code > worst)) worst = code;
      }
      return worst;
    });
  });
}
