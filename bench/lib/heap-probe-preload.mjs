/**
 * Loaded into a bot process started for a benchmark (`--expose-gc --import <this file>`, see
 * `heap-probe.ts`); does nothing unless BENCH_HEAP_FILE is set. On SIGUSR2 it runs a full garbage
 * collection and writes `process.memoryUsage()` to that file, so the benchmark reads the live heap
 * of a process it cannot reach into. Plain JavaScript, so it also loads into the compiled bot
 * (no tsx there). Lives in bench/, never in the app.
 */
import fs from 'node:fs';

const file = process.env.BENCH_HEAP_FILE;
if (file) {
  let seq = 0;
  process.on('SIGUSR2', () => {
    const gc = globalThis.gc;
    if (typeof gc === 'function') gc();
    seq += 1;
    fs.writeFileSync(`${file}.tmp`, JSON.stringify({ seq, collected: typeof gc === 'function', ...process.memoryUsage() }));
    fs.renameSync(`${file}.tmp`, file);
  });
}
