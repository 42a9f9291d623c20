// The table and the ratios every broker benchmark prints: one row per measurement, one line per target.
export interface BenchRow {
  readonly label: string;
  readonly messages: number;
  readonly seconds?: number;
  readonly rate: number;
  readonly rssMb?: number;
  readonly cpuSeconds?: number;
}

export interface BenchRatio {
  readonly what: string;
  readonly ratio: number;
  /** The ratio to reach (at least); none for a ratio printed only to explain another. */
  readonly target?: number;
}

const fmt = (n: number | undefined, digits = 0): string => (n === undefined ? '' : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
const line = (cells: string[]): string => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(48) : c.padStart(10))).join(' | ')} |`;

export function benchTable(rows: readonly BenchRow[], ratios: readonly BenchRatio[]): void {
  console.log('');
  console.log(line(['measurement', 'messages', 'seconds', 'msgs/s', 'peak RSS', 'CPU s']));
  console.log(line(['-'.repeat(48), ...Array.from({ length: 5 }, () => '-'.repeat(10))]));
  for (const r of rows) console.log(line([r.label, fmt(r.messages), fmt(r.seconds, 2), fmt(r.rate), r.rssMb === undefined ? '' : `${fmt(r.rssMb)} MB`, fmt(r.cpuSeconds, 1)]));
  console.log('');
  for (const r of ratios) console.log(`${r.what}: ${fmt(r.ratio, 2)}×${r.target === undefined ? '' : ` — target ≥ ${fmt(r.target, 1)}×: ${r.ratio >= r.target ? 'met' : 'NOT met'}`}`);
  console.log('(2 cores shared with other work: figures of one run, references measured in the same run)');
}
