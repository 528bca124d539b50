import { startAppProcess } from '../lib/app-process.js';
import { compiledEntry } from '../lib/compiled-app.js';
import { startNullBotProcess } from '../lib/null-bot.js';
import { processCpuMs } from '../lib/proc.js';
import { profileArgs } from '../lib/profile-args.js';
import type { Benchmark, BenchOptions } from '../lib/types.js';
import { runClosedLoop, VISIT, type ClosedLoopResult } from '../lib/webchat-workload.js';

const CONVERSATIONS = 50;
const TARGET_RATIO = 0.7;
const TARGET_P99_MS = 250;

type Measured = ClosedLoopResult & { cpuMsPerTurn: number; rssMb: number };

/** Runs the closed loop against a server process and reads what the process spent on it. */
async function measure(url: string, pid: number, rss: () => number, options: BenchOptions): Promise<Measured> {
  const durationMs = options.quick ? 5000 : 20_000;
  let cpuBefore = 0;
  const result = await runClosedLoop({
    url,
    conversations: CONVERSATIONS,
    durationMs,
    warmupMs: options.quick ? 1500 : 3000,
    onMeasureStart: () => (cpuBefore = processCpuMs(pid)),
  });
  // Turns still in flight when measuring starts are counted in neither; the error is a few turns' CPU.
  const cpuMs = processCpuMs(pid) - cpuBefore;
  return { ...result, cpuMsPerTurn: cpuMs / Math.max(1, result.turns), rssMb: rss() / 2 ** 20 };
}

/**
 * 1. Web chat turns end to end: 50 visitors in a closed loop (post a message, read the stream until
 * the reply is there, post the next) through the whole visit in `VISIT` — greeting, FAQ questions in
 * Arabic, the menu, the support application to its reference. The bot runs as its own process with
 * the embedded store and Redis; the baseline is the null bot (`bench/lib/null-bot.ts`), driven by the
 * same client code, also in its own process.
 */
export const benchmark: Benchmark = {
  id: 'webchat',
  order: 1,
  title: 'Web chat turns end to end (50 conversations, closed loop)',
  async run(options) {
    options.log('null bot');
    const nullBot = await startNullBotProcess();
    let baseline: Measured;
    try {
      baseline = await measure(nullBot.url, nullBot.pid, nullBot.rss, options);
    } finally {
      await nullBot.stop();
    }
    options.log('bot');
    const app = await startAppProcess({ redisUrl: options.redisUrl, entry: await compiledEntry(), nodeArgs: profileArgs() });
    let bot: Measured;
    try {
      bot = await measure(app.url, app.pid, () => app.rss(), options);
    } finally {
      await app.stop();
    }
    const rate = bot.turns / bot.seconds;
    const baseRate = baseline.turns / baseline.seconds;
    const p99 = bot.latencies.percentile(0.99);
    return {
      rows: [
        {
          label: 'bot vs null bot',
          figures: [
            { name: 'turns/s', value: rate, baseline: baseRate },
            { name: 'p50', value: bot.latencies.percentile(0.5), baseline: baseline.latencies.percentile(0.5), unit: 'ms' },
            { name: 'p99', value: p99, baseline: baseline.latencies.percentile(0.99), unit: 'ms' },
          ],
        },
        {
          label: 'server process',
          figures: [
            { name: 'CPU per turn', value: bot.cpuMsPerTurn, baseline: baseline.cpuMsPerTurn, unit: 'ms' },
            { name: 'RSS after', value: bot.rssMb, baseline: baseline.rssMb, unit: 'MB' },
          ],
        },
      ],
      targets: [
        { description: `throughput ≥ ${TARGET_RATIO}× the null bot's`, met: rate >= TARGET_RATIO * baseRate, detail: `${rate.toFixed(0)} vs ${baseRate.toFixed(0)} turns/s (×${(rate / baseRate).toFixed(2)})` },
        { description: `p99 < ${TARGET_P99_MS} ms`, met: p99 < TARGET_P99_MS, detail: `p99 ${p99.toFixed(0)} ms over ${bot.turns} turns` },
        { description: 'no failed turns', met: bot.errors === 0, detail: bot.errors === 0 ? 'none' : `${bot.errors}, first: ${bot.firstError ?? ''}` },
      ],
      notes: [
        `${CONVERSATIONS} visitors, ${bot.seconds.toFixed(1)} s measured after a warm-up; a visit is ${VISIT.length} messages (greeting, FAQ questions, menu, the support application to its reference), then a new conversation`,
        'latency: from posting the message to the read of the activity stream that contains the reply (the bot answers the POST after the turn ran, so one read usually suffices)',
        `null bot: fastify, same Direct Line routes, stores each activity in memory and echoes it; ${baseline.turns} turns, ${baseline.errors} errors`,
        'the bot runs compiled (esbuild, as the Dockerfile runs `node dist/src/main.js`); the null bot under tsx (no per-request cost once loaded)',
        'CPU per turn: user+system time of the server process over the measured part / its turns — the steadiest figure on a busy machine; the load generator runs in this process on the same cores',
      ],
    };
  },
};
