/**
 * The shape every benchmark shares, so `npm run bench` can run them one after another and print
 * one table and one JSON line each. A benchmark measures its subject and, in the same run and on
 * the same machine, a baseline to compare with; figures are never compared with numbers from
 * another day.
 */

/** One measured figure, printed beside its baseline when there is one. */
export type Figure = {
  /** What was measured, e.g. "turns/s" or "p99 ms". */
  name: string;
  value: number;
  /** The same figure for the baseline measured in this run (e.g. the null bot). */
  baseline?: number;
  unit?: string;
};

/** A goal from the issue and whether this run met it; `detail` says how it was judged. */
export type Target = { description: string; met: boolean; detail: string };

/** One row of a benchmark's table: a configuration (e.g. "rate 500 msg/s") and its figures. */
export type Row = { label: string; figures: Figure[] };

export type BenchResult = {
  rows: Row[];
  targets: Target[];
  /** Anything a reader needs to read the figures (what the baseline is, what was left out). */
  notes?: string[];
};

export type BenchOptions = {
  /** A short run for development and CI smoke: fewer conversations, shorter phases. */
  quick: boolean;
  /** Redis for the run; benchmarks use their own key prefix under `bench-`. */
  redisUrl: string;
  /** Prints a progress line (to stderr, so stdout stays the report). */
  log(message: string): void;
};

export type Benchmark = {
  /** Stable id used by `--only` and in the JSON line, e.g. "webchat". */
  id: string;
  /** Its number in the list (1–8); the run order. */
  order: number;
  title: string;
  run(options: BenchOptions): Promise<BenchResult>;
};
