// Where a resumed query or api source continues: after the last key it committed; refused, before anything moves, where it has no key.
import { parseKeyPosition, type ResumeFrom } from './connectors/key-position';
import { PlanRefused, type PlannedConnection, type RunPlan } from './plan';

/**
 * For the connections about to run again that read a database or an api: a query continues after
 * its last committed key (the map's entries, passed to the reader as `resumeFrom`); an api is read
 * again and the runner skips the keys committed. Without a key there is only a count of what was
 * delivered, and counting again skips rows added or deleted since: such a resume is refused. A
 * connection that committed nothing starts over and needs no key.
 */
export function keyedResumes(runId: string, plan: RunPlan, last: ReadonlyMap<string, ResumeFrom>, run: ReadonlySet<string>): Map<string, ResumeFrom> {
  const out = new Map<string, ResumeFrom>();
  for (const c of plan.connections) {
    const from = last.get(c.id);
    if (!run.has(c.id) || c.fedBy.length > 0 || !from) continue;
    const keyed = parseKeyPosition(from.position) !== undefined;
    if (c.source.type === 'database') {
      if (typeof c.props.keyColumn !== 'string') throw refused(runId, c, 'without `keyColumn`', 'rows', 'add `keyColumn:` with a unique column of the query, `ORDER BY` it in the query,');
      if (!keyed) throw refused(runId, c, 'by row number (its connection had no `keyColumn` then)', 'rows');
      out.set(c.id, from);
    } else if (c.source.type === 'api') {
      if (typeof c.source.props.key !== 'string') throw refused(runId, c, 'without `key`', 'items', `add \`key:\` with the JSONPath of a unique id in each item (such as \`$.id\`) to \`${c.source.name}\`,`);
      if (!keyed) throw refused(runId, c, 'by index (the api had no `key` then)', 'items');
    }
  }
  return out;
}

function refused(runId: string, c: PlannedConnection, how: string, what: 'rows' | 'items', add?: string): PlanRefused {
  const reads = how.startsWith('without') ? 'reads' : 'read';
  const since = what === 'rows' ? 'rows added or deleted since' : 'items added or removed since';
  return new PlanRefused(`run ${runId} cannot be resumed: \`${c.id}\` ${reads} ${c.source.type} \`${c.source.name}\` ${how}, so nothing tells which ${what} it delivered ` +
    `(counting them would skip ${since}); ${add ? `${add} and start` : 'start'} the flow again`);
}
