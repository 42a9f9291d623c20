// What a redrive moves where: dead-letter groups mapped to the flow's components, and the flow each move runs as (DLQ component -> origin component).
import { stringify } from 'yaml';
import type { FlowComponent, FlowModel } from '../../flow/model';
import type { DeadLetterGroup } from './dead-letters';
import { isEmptySearch, type MessageSearch } from './message-search';

/** A component's identity at its broker, its values resolved: what a dead letter's origin is compared with. */
export interface ComponentAddress {
  readonly component: FlowComponent;
  readonly topic?: string;
  readonly queue?: string;
}

/** One origin's picked groups to one component: one run (a queue is read by one connection at a time). */
export interface RedriveMove {
  readonly target: FlowComponent;
  readonly originId: string;
  readonly groups: readonly DeadLetterGroup[];
}

export interface RedrivePlan {
  readonly moves: readonly RedriveMove[];
  /** Picked groups whose origin is no component of the flow (and no `--to` was given). */
  readonly unmatched: readonly DeadLetterGroup[];
}

/** The origin's component: a kafka component of the topic, an mq component of the queue; never the dead-letter queue itself. */
function originComponent(group: DeadLetterGroup, addresses: readonly ComponentAddress[], deadLetterQueue: string): FlowComponent | undefined {
  const o = group.origin;
  return addresses.find((a) => a.component.name !== deadLetterQueue && (o.broker === 'kafka' ? a.component.type === 'kafka' && a.topic === o.topic : a.component.type === 'mq' && a.queue === o.queue))?.component;
}

export function planRedrive(groups: readonly DeadLetterGroup[], addresses: readonly ComponentAddress[], deadLetterQueue: string, to: FlowComponent | undefined): RedrivePlan {
  const moves = new Map<string, { target: FlowComponent; originId: string; groups: DeadLetterGroup[] }>();
  const unmatched: DeadLetterGroup[] = [];
  for (const group of groups) {
    const target = to ?? originComponent(group, addresses, deadLetterQueue);
    if (!target) {
      unmatched.push(group);
      continue;
    }
    const id = `${target.name}\n${group.originId}`;
    const move = moves.get(id) ?? { target, originId: group.originId, groups: [] };
    move.groups.push(group);
    moves.set(id, move);
  }
  return { moves: [...moves.values()], unmatched };
}

export interface RedriveFlowOptions {
  readonly maxRedrives: number;
  readonly keepHeaders: boolean;
  /** Only the dead letters that match. */
  readonly search?: MessageSearch;
}

/**
 * The flow a move runs as: the dead-letter component and the target as the flow declares them (env
 * and secret references kept), the flow's defaults, journal and access rule, and one connection whose
 * `select.deadLetters` takes only the move's origin and picked reasons. Written to a
 * file, it is an ordinary flow: `show`, `retry` and `resume` of its run read it again.
 */
export function redriveFlowText(model: FlowModel, source: FlowComponent, move: RedriveMove, options: RedriveFlowOptions): string {
  const props = (c: FlowComponent): Record<string, unknown> => ({ ...c.props });
  const bound = source.type === 'mq' ? { until: 'empty' } : { from: 'earliest', until: 'end' };
  const flow = {
    flow: `${model.id ?? 'flow'}-redrive`,
    description: `Redrive of the dead letters in ${source.name} to ${move.target.name}`,
    ...(Object.keys(model.defaults).length > 0 ? { defaults: model.defaults } : {}),
    ...(model.journal ? { journal: model.journal } : {}),
    ...(model.access ? { access: model.access } : {}),
    components: { [source.name]: props(source), [move.target.name]: props(move.target) },
    connections: [{
      from: source.name,
      to: move.target.name,
      select: { ...bound, deadLetters: {
        origin: move.originId, reasons: move.groups.map((g) => g.reason), maxRedrives: options.maxRedrives, keepHeaders: options.keepHeaders,
        ...(options.search && !isEmptySearch(options.search) ? { search: options.search } : {}),
      } },
    }],
  };
  return stringify(flow);
}
