// Seeded text mutations of flow files, shared by the fuzz test and the incremental-parse differential test.

// Seeded PRNG (mulberry32) so every run mutates the same way and a failure can be replayed.
export function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BOMB = '\nx: &a [y,y,y,y,y,y,y,y,y]\nx1: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nx2: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nx3: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n';
const NOISE = '{}[]:-#&*!|>\'"\t\n ,?%@`$';

export type Mutation = (text: string, next: () => number) => string;
export const pick = (next: () => number, n: number) => Math.floor(next() * n);
export const mutations: Record<string, Mutation> = {
  truncate: (t, next) => t.slice(0, pick(next, t.length + 1)),
  flipBytes: (t, next) => {
    const chars = [...t];
    for (let k = 0, n = 1 + pick(next, 5); k < n && chars.length; k++) chars[pick(next, chars.length)] = NOISE[pick(next, NOISE.length)]!;
    return chars.join('');
  },
  shiftIndent: (t, next) => {
    const lines = t.split('\n');
    const i = pick(next, lines.length);
    lines[i] = next() < 0.5 ? `${' '.repeat(1 + pick(next, 4))}${lines[i]}` : lines[i]!.replace(/^ {1,3}/, '');
    return lines.join('\n');
  },
  hugeScalar: (t, next) => {
    const at = pick(next, t.length + 1);
    return `${t.slice(0, at)}${'x'.repeat(10_000 + pick(next, 30_000))}${t.slice(at)}`;
  },
  deepNesting: (t, next) => {
    const depth = 200 + pick(next, 2000);
    return `${t}\nnested: ${'['.repeat(depth)}1${next() < 0.5 ? ']'.repeat(depth) : ''}\n`;
  },
  tabs: (t, next) => {
    const lines = t.split('\n');
    const i = pick(next, lines.length);
    lines[i] = lines[i]!.replace(/^ +/, '\t');
    return lines.join('\n');
  },
  aliasBomb: (t) => `${t}${BOMB}`,
  dropLine: (t, next) => {
    const lines = t.split('\n');
    lines.splice(pick(next, lines.length), 1);
    return lines.join('\n');
  },
  duplicateLine: (t, next) => {
    const lines = t.split('\n');
    const i = pick(next, lines.length);
    lines.splice(i, 0, lines[i]!);
    return lines.join('\n');
  },
};

/** Small edits as typed in an editor: the changes an incremental parse sees most. */
export const typing: Record<string, Mutation> = {
  insertChar: (t, next) => {
    const at = pick(next, t.length + 1);
    return `${t.slice(0, at)}${NOISE[pick(next, NOISE.length)]}${t.slice(at)}`;
  },
  insertWord: (t, next) => {
    const at = pick(next, t.length + 1);
    return `${t.slice(0, at)}${['x', ' ', '\n', '  ', 'name', ': ', '- ', '\n  ', '\n    '][pick(next, 9)]}${t.slice(at)}`;
  },
  deleteSpan: (t, next) => {
    const at = pick(next, t.length + 1);
    return `${t.slice(0, at)}${t.slice(at + 1 + pick(next, 12))}`;
  },
  moveLine: (t, next) => {
    const lines = t.split('\n');
    const [line] = lines.splice(pick(next, lines.length), 1);
    lines.splice(pick(next, lines.length + 1), 0, line!);
    return lines.join('\n');
  },
};
