// The flow as a graph: components by name, connections with their kinds, the one topological order and reachability, cycles.
import { componentTypes, type ComponentTypes } from './component-types';
import type { FlowComponent, FlowConnection, FlowModel } from './model';
import { flowSchema, type FlowSchema } from './schema';

export interface ResolvedConnection {
  readonly connection: FlowConnection;
  readonly source: FlowComponent | undefined;
  readonly target: FlowComponent | undefined;
  /** The kind the two types give, if both ends are known. */
  readonly inferredKind: string | undefined;
  /** The written kind, else the inferred one. */
  readonly kind: string | undefined;
}

export interface FlowGraph {
  readonly components: ReadonlyMap<string, FlowComponent>;
  readonly connections: readonly ResolvedConnection[];
  /** Component names, sources before their targets: topologicalOrder's `level` order (the run plan's). */
  readonly order: readonly string[];
  /** Each cycle's members (two or more components), in document order. Self-connections are not cycles. */
  readonly cycles: readonly (readonly string[])[];
  /** The component types (and their facts) of the schema the graph was resolved with. */
  readonly types: ComponentTypes;
}

/** `root`: the schema whose component types give the kinds (default: the shipped one). */
export function resolveFlowGraph(model: FlowModel, root: FlowSchema = flowSchema): FlowGraph {
  const types = componentTypes(root);
  const components = new Map(model.components.map((c) => [c.name, c]));
  const connections = model.connections.map((connection): ResolvedConnection => {
    const source = connection.from === undefined ? undefined : components.get(connection.from);
    const target = connection.to === undefined ? undefined : components.get(connection.to);
    const inferredKind = types.inferKind(source?.type, target?.type);
    return { connection, source, target, inferredKind, kind: connection.kind ?? inferredKind };
  });
  const names = model.components.map((c) => c.name);
  const index = indexOfNames(names);
  const edges = adjacency(names.length, index, linksOf(connections.map((c) => [c.source?.name, c.target?.name])));
  const cycles = stronglyConnected(edges)
    .filter((members) => members.length > 1)
    .map((members) => members.sort((a, b) => a - b).map((i) => names[i]!))
    .sort((a, b) => index.get(a[0]!)! - index.get(b[0]!)!);
  return { components, connections, order: orderOf(names, edges), cycles, types };
}

/** A link between two components by name: a connection's `from` and `to`. */
export type GraphLink = readonly [from: string, to: string];

/** The links of the connections whose two ends are written. */
function linksOf(ends: Iterable<readonly [string | undefined, string | undefined]>): GraphLink[] {
  const links: GraphLink[] = [];
  for (const [from, to] of ends) if (from !== undefined && to !== undefined) links.push([from, to]);
  return links;
}

/** Each name's first position. */
function indexOfNames(names: readonly string[]): Map<string, number> {
  const index = new Map<string, number>();
  names.forEach((name, i) => index.has(name) || index.set(name, i));
  return index;
}

/** Successors by index; links to or from an unknown name, and self-links, are left out. */
function adjacency(count: number, index: ReadonlyMap<string, number>, links: Iterable<GraphLink>): number[][] {
  const edges: number[][] = Array.from({ length: count }, () => []);
  for (const [from, to] of links) {
    const f = index.get(from);
    const t = index.get(to);
    if (f !== undefined && t !== undefined && f !== t) edges[f]!.push(t);
  }
  return edges;
}

/**
 * Which ready name goes first. `level` (the run plan's): the names nothing feeds in document order,
 * then each name as the last link into it is passed, so every source starts first. `document` (the
 * diagram's): the earliest ready name in the document, so a node keeps its place as the flow is
 * edited unless its own links change, and the layout moves little.
 */
export type OrderTies = 'level' | 'document';

/**
 * `names` (each once), sources before their targets (Kahn's algorithm), ties broken by `ties`. When
 * only cycles, and what they feed, are left, the earliest of them in the document is taken and the
 * order goes on from there. Links naming something not in `names`, and self-links, are ignored.
 * O((names + links) · log names).
 */
export function topologicalOrder(names: readonly string[], links: Iterable<GraphLink>, ties: OrderTies = 'level'): string[] {
  const unique = [...indexOfNames(names).keys()];
  return orderOf(unique, adjacency(unique.length, indexOfNames(unique), links), ties);
}

function orderOf(names: readonly string[], edges: readonly number[][], ties: OrderTies = 'level'): string[] {
  const indegree = new Int32Array(edges.length);
  for (const targets of edges) for (const t of targets) indegree[t]!++;
  const ready = ties === 'level' ? new Queue() : new MinHeap();
  indegree.forEach((d, i) => d === 0 && ready.push(i));
  const placed = new Uint8Array(edges.length);
  const order: string[] = [];
  let earliestLeft = 0;
  while (order.length < edges.length) {
    let node = ready.pop();
    if (node === undefined) {
      // Only cycles are left: enter at the earliest name not yet placed.
      while (placed[earliestLeft]) earliestLeft++;
      node = earliestLeft;
    }
    placed[node] = 1;
    order.push(names[node]!);
    for (const t of edges[node]!) if (--indegree[t]! === 0 && !placed[t]) ready.push(t);
  }
  return order;
}

interface ReadyNames {
  push(index: number): void;
  pop(): number | undefined;
}

/** First ready, first placed. */
class Queue implements ReadyNames {
  private readonly items: number[] = [];
  private head = 0;

  push(index: number): void {
    this.items.push(index);
  }

  pop(): number | undefined {
    return this.head < this.items.length ? this.items[this.head++] : undefined;
  }
}

/** A binary min-heap of indices: the earliest ready name in the document first. */
class MinHeap implements ReadyNames {
  private readonly items: number[] = [];

  push(index: number): void {
    const items = this.items;
    let i = items.push(index) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent]! <= index) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = index;
  }

  pop(): number | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= items.length) break;
        const child = left + 1 < items.length && items[left + 1]! < items[left]! ? left + 1 : left;
        if (items[child]! >= last) break;
        items[i] = items[child]!;
        i = child;
      }
      items[i] = last;
    }
    return top;
  }
}

/** Whether `goal` is `start` or can be reached from it along `links`. O(names + links). */
export function reaches(links: Iterable<GraphLink>, start: string, goal: string): boolean {
  const next = new Map<string, string[]>();
  for (const [from, to] of links) {
    const targets = next.get(from);
    if (targets) targets.push(to);
    else next.set(from, [to]);
  }
  const seen = new Set<string>([start]);
  const stack = [start];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (name === goal) return true;
    for (const to of next.get(name) ?? []) {
      if (seen.has(to)) continue;
      seen.add(to);
      stack.push(to);
    }
  }
  return false;
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
