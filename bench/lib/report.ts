import type { Benchmark, BenchResult } from './types.js';
import { round } from './stats.js';

/**
 * Prints a benchmark's result: a table of its rows (each figure as `value (baseline b, ×ratio)`),
 * its targets as met / not met, its notes, then one machine-readable line
 * `BENCH {"id":…,"rows":…,"targets":…}` for tools that collect runs.
 */
export function printResult(benchmark: Benchmark, result: BenchResult, seconds: number, out: NodeJS.WritableStream = process.stdout): void {
  out.write(`\n## ${benchmark.order}. ${benchmark.title}  (${seconds.toFixed(1)} s)\n`);
  const width = Math.max(10, ...result.rows.map((r) => r.label.length));
  for (const row of result.rows) {
    const cells = row.figures.map((f) => {
      const unit = f.unit ? ` ${f.unit}` : '';
      const base = f.baseline === undefined ? '' : ` (baseline ${round(f.baseline)}${unit}, ×${f.baseline === 0 ? '∞' : round(f.value / f.baseline)})`;
      return `${f.name} ${round(f.value)}${unit}${base}`;
    });
    out.write(`  ${row.label.padEnd(width)}  ${cells.join('  ·  ')}\n`);
  }
  for (const t of result.targets) out.write(`  [${t.met ? 'met' : 'NOT MET'}] ${t.description} — ${t.detail}\n`);
  for (const n of result.notes ?? []) out.write(`  note: ${n}\n`);
  out.write(`BENCH ${JSON.stringify({ id: benchmark.id, order: benchmark.order, seconds: round(seconds), ...result })}\n`);
}
