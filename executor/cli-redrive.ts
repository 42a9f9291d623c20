// `flowtracer redrive`: the dead letters in a component grouped by origin and reason, and each picked origin moved back as an ordinary run.
import { dirname, join } from 'node:path';
import { DEAD_LETTER_DEFAULTS } from '../flow/schema';
import { optionList, optionText, type CliOptions, type CommandInput } from './cli-arguments';
import { ExitCode, withEngine } from './cli-commands';
import { STOP_GRACE, withStore } from './cli-options';
import { guarded, MESSAGE_OPTIONS, say, SEARCH, searchOf, wholeNumber } from './cli-message-args';
import { startRun } from './engine';
import type { DeadLetterGroup } from './messages/dead-letters';
import { groupViews, surveyRedrive, tooOftenOf, writeRedriveFlows } from './messages/redrive-survey';

export const REDRIVE_OPTIONS: CliOptions = {
  ...MESSAGE_OPTIONS,
  ...STOP_GRACE,
  to: { type: 'string', value: 'COMPONENT', help: 'move every picked group here instead of to its origin' },
  origin: { type: 'string', value: 'ORIGIN', multiple: true, help: 'only the dead letters of this origin (kafka:TOPIC, mq:QUEUE); repeatable' },
  reason: { type: 'string', value: 'TEXT', multiple: true, help: 'only the dead letters of this reason (rejected, expired…); repeatable' },
  ...SEARCH,
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
  const [wantedOrigins, wantedReasons, to] = [optionList(input, 'origin'), optionList(input, 'reason'), optionText(input, 'to')];
  return guarded('redrive', file, json, optionText(input, 'github-api-url'), async (signal) => {
    // What is there, read-only: the groups by origin and reason, and where each would go.
    const picked = (g: DeadLetterGroup): boolean => (!wantedOrigins || wantedOrigins.includes(g.originId)) && (!wantedReasons || wantedReasons.includes(g.reason));
    const search = searchOf(input);
    const survey = await surveyRedrive(file, name, { maxRedrives, picked, search, ...(to !== undefined ? { to } : {}) }, signal, say);
    const groups = groupViews(survey);
    const tooOften = tooOftenOf(survey);
    if (!json) {
      for (const [i, g] of survey.groups.entries()) {
        const target = groups[i]!.to;
        process.stdout.write(`${describeGroup(g)} -> ${target ?? (g.count > 0 ? 'no component of the flow is this origin: pass --to COMPONENT' : 'nothing to move')}\n`);
      }
      const other = survey.notDeadLetters;
      if (other > 0) process.stdout.write(`${other} message${other === 1 ? ' is' : 's are'} no dead letter${other === 1 ? '' : 's'} (left)\n`);
      if (groups.length === 0) process.stdout.write(`no dead letters${wantedOrigins || wantedReasons ? ' match' : ''} in ${name}\n`);
    }
    if (tooOften > 0) process.stderr.write(`flowtracer redrive: ${tooOften} message${tooOften === 1 ? ' was' : 's were'} redriven ${maxRedrives} times already and stay${tooOften === 1 ? 's' : ''} in ${name} (--max-redrives)\n`);
    if (json) process.stdout.write(`${JSON.stringify({ dryRun: input.options['dry-run'] === true, groups, notDeadLetters: survey.notDeadLetters })}\n`);
    if (input.options['dry-run'] === true) return ExitCode.ok;
    // Each move is an ordinary run of a flow of two components, one after the other (a queue is read by one connection at a time).
    return withStore(input, async (flags) => {
      let worst: number = survey.plan.unmatched.length > 0 ? ExitCode.failed : ExitCode.ok;
      for (const flow of writeRedriveFlows(survey, join(dirname(flags.runsDir), 'redrives'), { maxRedrives, keepHeaders, search })) {
        if (signal.aborted) return ExitCode.stopped;
        if (!json) process.stderr.write(`flowtracer redrive: ${flow.origin} -> ${flow.to} (flow ${flow.flowFile})\n`);
        const code = await withEngine(flags, `redrive ${name} -> ${flow.to}`, () => Promise.resolve(flow.flowFile), (d) => startRun(flow.flowFile, {}, d));
        if (code !== ExitCode.ok && (worst === ExitCode.ok || code > worst)) worst = code;
      }
      return worst;
    });
  });
}
