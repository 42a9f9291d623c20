// The flow as a graph: components by name, connections with their kinds, topological order, cycles.
import { inferKind, type ConnectionKind, type FlowComponent, type FlowConnection, type FlowModel } from './model';

export interface ResolvedConnection {
  readonly connection: FlowConnection;
  readonly source: FlowComponent | undefined;
  readonly target: FlowComponent | undefined;
  /** The kind the two types give, if both ends are known. */
  readonly inferredKind: ConnectionKind | undefined;
  /** The written kind, else the inferred one. */
  readonly kind: string | undefined;
}

export interface FlowGraph {
  readonly components: ReadonlyMap<string, FlowComponent>;
  readonly connections: readonly ResolvedConnection[];
  /** Component names, sources before their targets; members of a cycle follow in document order. */
  readonly order: readonly string[];
  /** Each cycle's members (two or more components), in document order. Self-connections are not cycles. */
  readonly cycles: readonly (readonly string[])[];
}

/** The written or inferred kind of every connection, by index. */
export function inferKinds(model: FlowModel): (ConnectionKind | undefined)[] {
  const types = new Map(model.components.map((c) => [c.name, c.type]));
  return model.connections.map((c) => inferKind(c.from === undefined ? undefined : types.get(c.from), c.to === undefined ? undefined : types.get(c.to)));
}

export function resolveFlowGraph(model: FlowModel): FlowGraph {
  const components = new Map(model.components.map((c) => [c.name, c]));
  const connections = model.connections.map((connection): ResolvedConnection => {
    const source = connection.from === undefined ? undefined : components.get(connection.from);
    const target = connection.to === undefined ? undefined : components.get(connection.to);
    const inferredKind = inferKind(source?.type, target?.type);
    return { connection, source, target, inferredKind, kind: connection.kind ?? inferredKind };
  });
  const index = new Map(model.components.map((c, i) => [c.name, i]));
  const edges: number[][] = model.components.map(() => []);
  for (const { source, target } of connections) {
    if (source && target && source !== target) edges[index.get(source.name)!]!.push(index.get(target.name)!);
  }
  const components2 = stronglyConnected(edges);
  const cycles = components2
    .filter((members) => members.length > 1)
    .map((members) => members.sort((a, b) => a - b).map((i) => model.components[i]!.name))
    .sort((a, b) => index.get(a[0]!)! - index.get(b[0]!)!);
  return { components, connections, order: topologicalOrder(edges).map((i) => model.components[i]!.name), cycles };
}

/** Kahn's algorithm; nodes left on cycles are appended in index order so every node appears once. */
function topologicalOrder(edges: readonly number[][]): number[] {
  const indegree = edges.map(() => 0);
  for (const targets of edges) for (const t of targets) indegree[t]!++;
  const queue: number[] = [];
  indegree.forEach((d, i) => d === 0 && queue.push(i));
  const order: number[] = [];
  const placed = new Uint8Array(edges.length);
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    order.push(node);
    placed[node] = 1;
    for (const t of edges[node]!) if (--indegree[t]! === 0) queue.push(t);
  }
  for (let i = 0; i < edges.length; i++) if (!placed[i]) order.push(i);
  return order;
}

/** Tarjan's strongly connected components, iterative so that long chains cannot overflow the stack. */
function stronglyConnected(edges: readonly number[][]): number[][] {
  const n = edges.length;
  const indexOf = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const result: number[][] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (indexOf[root] !== -1) continue;
    const work: [number, number][] = [[root, 0]];
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const [node, edgeIndex] = frame;
      if (edgeIndex === 0 && indexOf[node] === -1) {
        indexOf[node] = low[node] = counter++;
        stack.push(node);
        onStack[node] = 1;
      }
      const targets = edges[node]!;
      if (edgeIndex < targets.length) {
        frame[1]++;
        const next = targets[edgeIndex]!;
        if (indexOf[next] === -1) work.push([next, 0]);
        else if (onStack[next]) low[node] = Math.min(low[node]!, indexOf[next]!);
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low[parent[0]] = Math.min(low[parent[0]]!, low[node]!);
      if (low[node] === indexOf[node]) {
        const members: number[] = [];
        let member: number;
        do {
          member = stack.pop()!;
          onStack[member] = 0;
          members.push(member);
        } while (member !== node);
        result.push(members);
      }
    }
  }
  return result;
}
