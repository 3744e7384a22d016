/**
 * The shape of a benchmark: `bench/<name>.bench.ts` default-exports a `Benchmark`; `npm run bench` runs them
 * all (or `npm run bench -- <name>`), prints a table and writes `bench/results/<name>.json`.
 */

/** One measured figure: the median of `samples`, with the baseline measured in the same run where there is one. */
export interface BenchFigure {
  readonly name: string;
  readonly unit: string;
  /** Every sample; the reported value is their median. */
  readonly samples: readonly number[];
  /** Lower is better (time, memory) unless false (throughput). */
  readonly lowerIsBetter?: boolean;
  /** The same measurement without Sluice (hand-written DuckDB script, raw BullMQ round trip). */
  readonly baseline?: { readonly name: string; readonly samples: readonly number[] };
  /** The design's target, for the table, e.g. `< 1000 ms`. */
  readonly target?: { readonly op: '<' | '>'; readonly value: number };
  readonly note?: string;
}

export interface Benchmark {
  readonly name: string;
  readonly description: string;
  run(options: { readonly runs: number; readonly log: (line: string) => void }): Promise<BenchFigure[]>;
}

/** Median of a non-empty list of numbers. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Percentile (0..100) by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const idx = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[idx]!;
}
