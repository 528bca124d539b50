import { startAppProcess } from './lib/app-process.js';
import { compiledEntry } from './lib/compiled-app.js';
import { createHeapProbe } from './lib/heap-probe.js';
import { MB } from './lib/proc.js';
import { printResult } from './lib/report.js';
import { nowMs, sleep } from './lib/stats.js';
import type { Benchmark, BenchOptions, Row } from './lib/types.js';
import { startContinuousLoad } from './lib/webchat-workload.js';

const CONVERSATIONS = 50;
/** What "flat" means here: the live heap grows by at most this much per hour in the second half. */
const FLAT_MB_PER_HOUR = 5;
/** Shorter runs print the figures but say that they cannot judge a slope per hour. */
const SHORTEST_TO_JUDGE_MS = 10 * 60_000;

type Sample = { seconds: number; rss: number; rssAfterGc: number; heapUsed: number; external: number; turnsPerSecond: number; p99: number; errors: number };

/**
 * `npm run bench -- --soak 30m`: benchmark 1's web chat workload (50 conversations, closed loop)
 * against the compiled bot for the whole duration. Every interval (30 s; shorter for short runs so
 * there are at least a dozen samples) it reads the process's RSS, then asks it for a full GC and its
 * heap (`heap-probe.ts`), and the interval's turns/s and p99. Growth per hour is the slope of a
 * least-squares line through the second half of the samples (the first half holds warm-up: JIT,
 * caches filling, SQLite pages); the target is a flat heap.
 */
export async function runSoak(options: BenchOptions, ms: number): Promise<void> {
  const intervalMs = Math.max(5000, Math.min(30_000, Math.floor(ms / 12)));
  const probe = createHeapProbe();
  const app = await startAppProcess({ redisUrl: options.redisUrl, entry: await compiledEntry(), nodeArgs: probe.nodeArgs, env: probe.env });
  const samples: Sample[] = [];
  const started = nowMs();
  let firstError: string | null = null;
  try {
    const load = startContinuousLoad({ url: app.url, conversations: CONVERSATIONS });
    try {
      let lastTake = nowMs();
      while (nowMs() - started < ms) {
        await sleep(Math.min(intervalMs, ms - (nowMs() - started)));
        const rss = app.rss();
        const taken = load.take();
        const elapsed = (nowMs() - lastTake) / 1000;
        lastTake = nowMs();
        const heap = await probe.sample(app.pid);
        firstError ??= taken.firstError;
        const sample: Sample = {
          seconds: (nowMs() - started) / 1000,
          rss,
          rssAfterGc: heap.rss,
          heapUsed: heap.heapUsed,
          external: heap.external,
          turnsPerSecond: taken.turns / elapsed,
          p99: taken.latencies.percentile(0.99),
          errors: taken.errors,
        };
        samples.push(sample);
        options.log(
          `soak ${sample.seconds.toFixed(0)} s: ${sample.turnsPerSecond.toFixed(0)} turns/s, p99 ${sample.p99.toFixed(0)} ms, RSS ${(rss / MB).toFixed(0)} MB, heap ${(heap.heapUsed / MB).toFixed(1)} MB${taken.errors ? `, ${taken.errors} errors` : ''}`,
        );
      }
    } finally {
      await load.stop();
    }
  } finally {
    probe.dispose();
    await app.stop();
  }
  printSoak(samples, ms, firstError);
}

function printSoak(samples: Sample[], ms: number, firstError: string | null): void {
  const secondHalf = samples.filter((s) => s.seconds >= (samples.at(-1)?.seconds ?? 0) / 2);
  const perHour = (pick: (s: Sample) => number) => (slope(secondHalf.map((s) => [s.seconds, pick(s)])) * 3600) / MB;
  const heapGrowth = perHour((s) => s.heapUsed);
  const rssGrowth = perHour((s) => s.rss);
  const rssAfterGcGrowth = perHour((s) => s.rssAfterGc);
  const errors = samples.reduce((n, s) => n + s.errors, 0);
  const rows: Row[] = [
    {
      label: 'growth per hour (2nd half)',
      figures: [
        { name: 'heap after GC', value: heapGrowth, unit: 'MB/h' },
        { name: 'RSS after GC', value: rssAfterGcGrowth, unit: 'MB/h' },
        { name: 'RSS', value: rssGrowth, unit: 'MB/h' },
        { name: 'external', value: perHour((s) => s.external), unit: 'MB/h' },
      ],
    },
    ...samples.map((s) => ({
      label: `t = ${s.seconds.toFixed(0)} s`,
      figures: [
        { name: 'turns/s', value: s.turnsPerSecond },
        { name: 'p99', value: s.p99, unit: 'ms' },
        { name: 'RSS', value: s.rss / MB, unit: 'MB' },
        { name: 'RSS after GC', value: s.rssAfterGc / MB, unit: 'MB' },
        { name: 'heap after GC', value: s.heapUsed / MB, unit: 'MB' },
        { name: 'external', value: s.external / MB, unit: 'MB' },
      ],
    })),
  ];
  const soak: Benchmark = { id: 'soak', order: 0, title: `Soak: web chat workload for ${(ms / 60_000).toFixed(1)} min`, run: () => Promise.reject(new Error('printed only')) };
  printResult(
    soak,
    {
      rows,
      targets: [
        {
          description: `heap flat (≤ ${FLAT_MB_PER_HOUR} MB/h after GC, fit over the second half)`,
          met: heapGrowth <= FLAT_MB_PER_HOUR && ms >= SHORTEST_TO_JUDGE_MS,
          detail: `${heapGrowth.toFixed(1)} MB/h over ${secondHalf.length} samples${ms < SHORTEST_TO_JUDGE_MS ? `; a run under ${SHORTEST_TO_JUDGE_MS / 60_000} min is too short to judge a slope per hour` : ''}`,
        },
        { description: 'no failed turns', met: errors === 0, detail: errors === 0 ? 'none' : `${errors}, first: ${firstError ?? ''}` },
      ],
      notes: [
        `${CONVERSATIONS} conversations in a closed loop through benchmark 1's visit (a new conversation after each visit, so the store grows all along)`,
        'RSS is read while the process runs; "after GC" figures come from the heap probe (--expose-gc, SIGUSR2) right after a full collection',
      ],
    },
    ms / 1000,
  );
}

/** Least-squares slope of y over x; 0 with fewer than two points. */
function slope(points: [number, number][]): number {
  if (points.length < 2) return 0;
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
