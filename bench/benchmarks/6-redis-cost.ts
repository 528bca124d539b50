import crypto from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { startAppProcess } from '../lib/app-process.js';
import { compiledEntry } from '../lib/compiled-app.js';
import { startPrivateRedis, type PrivateRedis } from '../lib/private-redis.js';
import { describeCommands, readRedisMeter, startRedisMeter, type RedisCost } from '../lib/redis-meter.js';
import { sleep } from '../lib/stats.js';
import type { Benchmark } from '../lib/types.js';
import { runTurns } from '../lib/webchat-workload.js';

const CONCURRENCY = 20;

/**
 * The baseline: what a minimal queue-backed bot spends in Redis per inbound message — one BullMQ job
 * added and processed (the worker does nothing), jobs removed on completion.
 */
async function rawBullmq(redis: PrivateRedis, messages: number): Promise<RedisCost> {
  const connection = { url: redis.url, maxRetriesPerRequest: null };
  const prefix = `bench-raw-${crypto.randomBytes(3).toString('hex')}`;
  const queue = new Queue('inbound', { connection, prefix });
  let done = 0;
  let allDone: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (allDone = resolve));
  const worker = new Worker(
    'inbound',
    async () => {
      done += 1;
      if (done === messages) allDone();
    },
    { connection, prefix, concurrency: CONCURRENCY },
  );
  try {
    await worker.waitUntilReady();
    await queue.waitUntilReady();
    const mark = await startRedisMeter(redis.admin);
    let sent = 0;
    const payload = { type: 'message', text: 'كم مدة الرد على الطلب بعد ما ارسله؟', from: { id: 'visitor' }, conversation: { id: crypto.randomUUID() } };
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (sent < messages) {
          sent += 1;
          await queue.add('message', payload, { removeOnComplete: true, removeOnFail: true });
        }
      }),
    );
    await finished;
    return await readRedisMeter(redis.admin, mark);
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}

/**
 * 6. Redis cost per inbound web chat message, on a redis-server of its own so the counts are the
 * bot's only: `CONFIG RESETSTAT`, N turns of the web chat visit (as in benchmark 1) against the bot
 * process, then `INFO commandstats` (calls and µs per command) and the server's CPU time. Beside it,
 * raw BullMQ adding and processing one job per message. The idle rate (BullMQ workers and timers
 * polling while nothing happens) is measured first and reported apart.
 */
export const benchmark: Benchmark = {
  id: 'redis-cost',
  order: 6,
  title: 'Redis cost per inbound message',
  async run(options) {
    const messages = options.quick ? 300 : 2000;
    const redis = await startPrivateRedis();
    try {
      options.log(`raw BullMQ, ${messages} jobs`);
      const raw = await rawBullmq(redis, messages);
      await redis.admin.flushall();

      const app = await startAppProcess({ redisUrl: redis.url, entry: await compiledEntry() });
      let bot: RedisCost;
      let idle: RedisCost;
      let idleSeconds: number;
      let seconds: number;
      try {
        await runTurns({ url: app.url, turns: options.quick ? 50 : 200, concurrency: CONCURRENCY });
        idleSeconds = options.quick ? 2 : 5;
        const idleMark = await startRedisMeter(redis.admin);
        await sleep(idleSeconds * 1000);
        idle = await readRedisMeter(redis.admin, idleMark);
        options.log(`bot, ${messages} turns`);
        const mark = await startRedisMeter(redis.admin);
        ({ seconds } = await runTurns({ url: app.url, turns: messages, concurrency: CONCURRENCY }));
        bot = await readRedisMeter(redis.admin, mark);
      } finally {
        await app.stop({ keep: true });
      }
      const idleCallsDuringRun = (idle.calls / idleSeconds) * seconds;
      return {
        rows: [
          {
            label: 'per inbound message',
            figures: [
              { name: 'commands', value: bot.calls / messages, baseline: raw.calls / messages },
              { name: 'Redis µs (commandstats)', value: bot.usec / messages, baseline: raw.usec / messages, unit: 'µs' },
              { name: 'Redis CPU (sys+user)', value: (bot.cpuSeconds * 1e6) / messages, baseline: (raw.cpuSeconds * 1e6) / messages, unit: 'µs' },
            ],
          },
          { label: 'idle (no traffic)', figures: [{ name: 'commands/s', value: idle.calls / idleSeconds }] },
        ],
        targets: [],
        notes: [
          `bot: ${messages} turns of the web chat visit (benchmark 1's script), ${CONCURRENCY} conversations at a time, in ${seconds.toFixed(1)} s; app process on its own redis-server`,
          `bot commands per message: ${describeCommands(bot, messages)}`,
          `raw BullMQ per message: ${describeCommands(raw, messages)}`,
          idle.calls === 0
            ? `idle: no command completed in ${idleSeconds} s (BullMQ's blocking reads count when they return)`
            : `idle, per second: ${describeCommands(idle, idleSeconds)} — about ${(idleCallsDuringRun / messages).toFixed(2)} of the bot's commands per message are this background polling`,
          'Redis CPU (sys+user) includes the server\'s own timers; commandstats µs is time inside commands only. No target in the issue: a figure to watch for regressions',
        ],
      };
    } finally {
      await redis.stop();
    }
  },
};
