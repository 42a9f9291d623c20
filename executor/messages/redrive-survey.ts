// A redrive's read-only half, shared by `flowtracer redrive` and the editor's Redrive…: the dead letters of a component grouped by origin and reason, where each group would go, and the flows that move them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FlowComponent, FlowModel } from '../../flow/model';
import type { RedriveFlowView, RedriveGroupView, RedrivePick } from '../../protocol/executor-events';
import type { SecretProvider } from '../values';
import { browseComponent, componentAddresses, connectorFor, loadComponent, MessageTargetError } from './component-messages';
import { DeadLetterGroups, originOfId, type DeadLetterGroup } from './dead-letters';
import type { MessageSearch } from './message-search';
import { planRedrive, redriveFlowText, type RedriveFlowOptions, type RedrivePlan } from './redrive-plan';

export interface RedriveRequest {
  /** A message redriven this many times already is left alone. */
  readonly maxRedrives: number;
  /** Every picked group goes to this component instead of its origin. */
  readonly to?: string;
  /** Which groups are picked (default: all). */
  readonly picked?: (group: DeadLetterGroup) => boolean;
  /** Only the dead letters that match (default: all of them). */
  readonly search?: MessageSearch;
  readonly secrets?: SecretProvider;
}

export interface RedriveSurvey {
  readonly file: string;
  readonly model: FlowModel;
  readonly component: FlowComponent;
  /** The picked groups, in the order first seen. */
  readonly groups: readonly DeadLetterGroup[];
  readonly notDeadLetters: number;
  readonly plan: RedrivePlan;
}

/** The `--to` component, checked: a kafka or mq component of the flow other than the dead-letter one. */
function targetOf(model: FlowModel, name: string, to: string | undefined): FlowComponent | undefined {
  if (to === undefined) return undefined;
  const target = model.components.find((c) => c.name === to);
  if (!target) throw new MessageTargetError(`the flow has no component '${to}'`);
  if (target.type !== 'kafka' && target.type !== 'mq') throw new MessageTargetError(`${target.name}: dead letters are redriven to kafka and mq components`);
  if (target.name === name) throw new MessageTargetError(`${target.name} is the dead-letter component itself`);
  return target;
}

/** Reads the whole component once (a browse: RabbitMQ's messages go back in order) and plans the picked groups' moves. */
export async function surveyRedrive(flowFile: string, name: string, request: RedriveRequest, signal: AbortSignal, note: (text: string) => void): Promise<RedriveSurvey> {
  const { component, model, file } = loadComponent(flowFile, name);
  const to = targetOf(model, name, request.to);
  const found = new DeadLetterGroups(request.maxRedrives);
  const connector = await connectorFor(component, signal, request.secrets);
  try {
    await browseComponent(connector, { limit: Number.MAX_SAFE_INTEGER }, request.search ?? {}, signal, (m) => found.add(m.headers), note);
  } finally {
    await connector.close();
  }
  const groups = found.list().filter((g) => request.picked?.(g) ?? true);
  return { file, model, component, groups, notDeadLetters: found.notDeadLetters, plan: await planOf(model, name, groups, to, signal) };
}

async function planOf(model: FlowModel, name: string, groups: readonly DeadLetterGroup[], to: FlowComponent | undefined, signal: AbortSignal): Promise<RedrivePlan> {
  return planRedrive(groups.filter((g) => g.count > 0), await componentAddresses(model, signal), name, to);
}

/**
 * The moves of groups a survey already counted (the editor's picks, with their counts), planned without
 * reading the component again: what `writeRedriveFlows` needs. A pick whose origin is no `kafka:` or `mq:` id is refused.
 */
export async function planPicks(flowFile: string, name: string, picks: readonly RedrivePick[], toName: string | undefined, signal: AbortSignal): Promise<RedriveSurvey> {
  const { component, model, file } = loadComponent(flowFile, name);
  const to = targetOf(model, name, toName);
  const groups = picks.map((p): DeadLetterGroup => {
    const origin = originOfId(p.origin);
    if (!origin) throw new MessageTargetError(`'${p.origin}' is no dead-letter origin (kafka:TOPIC or mq:QUEUE)`);
    return { originId: p.origin, origin, reason: p.reason, count: p.count, tooOften: 0 };
  });
  return { file, model, component, groups, notDeadLetters: 0, plan: await planOf(model, name, groups, to, signal) };
}

/** Each picked group as `--dry-run --json` and the editor's pick list show it: its counts and where it would go (`null`: nowhere). */
export function groupViews(survey: RedriveSurvey): RedriveGroupView[] {
  return survey.groups.map((g) => ({
    origin: g.originId, reason: g.reason, count: g.count, tooOften: g.tooOften,
    to: survey.plan.moves.find((m) => m.groups.includes(g))?.target.name ?? null,
  }));
}

/** How many picked messages were redriven too often already and stay. */
export function tooOftenOf(survey: RedriveSurvey): number {
  return survey.groups.reduce((n, g) => n + g.tooOften, 0);
}

/**
 * Writes each move's flow into `folder` (a comment names the flow it came from): ordinary flows, so that
 * their runs are shown, retried and resumed like any other. In the plan's order: one run after the other.
 */
export function writeRedriveFlows(survey: RedriveSurvey, folder: string, options: RedriveFlowOptions): RedriveFlowView[] {
  mkdirSync(folder, { recursive: true });
  const { model, component } = survey;
  return survey.plan.moves.map((move, i) => {
    const file = join(folder, `${model.id ?? 'flow'}-${component.name}-to-${move.target.name}-${Date.now()}-${i}.flow.yaml`);
    writeFileSync(file, `# Written by flowtracer redrive from ${survey.file}\n${redriveFlowText(model, component, move, options)}`);
    return { origin: move.originId, to: move.target.name, count: move.groups.reduce((n, g) => n + g.count, 0), flowFile: file };
  });
}
