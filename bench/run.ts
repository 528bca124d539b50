/**
 * `npm run bench [-- --only webchat,faq] [--quick] [--soak 30m]`
 *
 * Runs every benchmark in `bench/benchmarks/` (each file exports `benchmark`), in the order,
 * and prints for each a table of figures beside the baseline measured in the same run, the targets
 * met or not, and one `BENCH {json}` line. Needs the Redis at REDIS_URL (default 127.0.0.1:6379);
 * every benchmark writes under its own `bench-…` key prefix and deletes it afterwards.
 * `--soak 30m` runs the web chat workload for that long instead and reports heap growth per hour.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { printResult } from './lib/report.js';
import { nowMs } from './lib/stats.js';
import type { Benchmark, BenchOptions } from './lib/types.js';

async function loadBenchmarks(): Promise<Benchmark[]> {
  const dir = path.join(import.meta.dirname, 'benchmarks');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts')).sort();
  const found: Benchmark[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(path.join(dir, file)).href)) as { benchmark?: Benchmark };
    if (module.benchmark) found.push(module.benchmark);
  }
  return found.sort((a, b) => a.order - b.order);
}

/** "30m", "2h", "90s" or plain seconds → milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(s|m|h)?$/.exec(text.trim());
  if (!match) throw new Error(`--soak takes a duration such as 30m, 2h or 90s, not "${text}"`);
  const unit = match[2] === 'h' ? 3_600_000 : match[2] === 'm' ? 60_000 : 1000;
  return Number(match[1]) * unit;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { only: { type: 'string' }, quick: { type: 'boolean', default: false }, soak: { type: 'string' } },
  });
  const options: BenchOptions = {
    quick: values.quick ?? false,
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    log: (message) => process.stderr.write(`  … ${message}\n`),
  };
  process.stdout.write(
    `# Injab Bot benchmarks — ${new Date().toISOString()}\n` +
      `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GB RAM, ${os.platform()} ${os.release()}, Node ${process.version}\n`,
  );
  if (values.soak) {
    const { runSoak } = (await import('./soak.js')) as { runSoak(options: BenchOptions, ms: number): Promise<void> };
    await runSoak(options, parseDuration(values.soak));
    return;
  }
  const only = values.only ? new Set(values.only.split(',').map((s) => s.trim())) : null;
  const benchmarks = (await loadBenchmarks()).filter((b) => !only || only.has(b.id));
  if (only && benchmarks.length < only.size) {
    const known = (await loadBenchmarks()).map((b) => b.id).join(', ');
    throw new Error(`unknown benchmark in --only; known: ${known}`);
  }
  let failed = 0;
  for (const benchmark of benchmarks) {
    options.log(`${benchmark.order}. ${benchmark.title}`);
    const started = nowMs();
    try {
      const result = await benchmark.run(options);
      printResult(benchmark, result, (nowMs() - started) / 1000);
    } catch (error) {
      failed += 1;
      process.stdout.write(`\n## ${benchmark.order}. ${benchmark.title}: FAILED — ${(error as Error).stack ?? String(error)}\n`);
    }
  }
  if (failed > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
