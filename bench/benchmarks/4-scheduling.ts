import { pino } from 'pino';
import { loadConfig } from '../../src/config/config.js';
import { FOLLOWUPS_QUEUE, reminderJobId } from '../../src/followups/followup-jobs.js';
import { createLogger } from '../../src/logging/logger.js';
import { startPrivateRedis, type PrivateRedis } from '../lib/private-redis.js';
import { bookingId, CONCURRENCY, BULK, projectDriver, rawDriver, type Driver } from '../lib/scheduling-drivers.js';
import { nowMs, sleep } from '../lib/stats.js';
import type { Benchmark, Target } from '../lib/types.js';

/** The spread reminders and the cancellations are done in this many slices, alternating between the sides. */
const SLICES = 10;
/** The burst must be sent within this long of its due instant. */
const BURST_TARGET_MS = 2000;
/** How long to wait for a burst before giving up on it. */
const BURST_TIMEOUT_MS = 60_000;

type Plan = { total: number; cancelled: number; burst: number };
type Side = {
  scheduledPerS: number;
  /** Lua scripts (BullMQ's EVALSHA) and Redis CPU per reminder while scheduling. */
  scriptsPerReminder: number;
  redisCpuUsPerReminder: number;
  cancelledPerS: number;
  bytesPerReminder: number;
  jobHashBytes: number;
  burstMs: number;
  /** CPU per burst job: the node process (worker and all), and Redis; Lua scripts per burst job. */
  burstNodeCpuUs: number;
  burstRedisCpuUs: number;
  burstScripts: number;
  burstDone: number;
  burstFailed: number;
  lateStartMs: number;
};

/**
 * 4. Reminders through the project's own API (`FollowUps.bookingReminder` / `bookingCancelled`, the
 * deterministic job ids and options of src/followups) beside raw BullMQ doing the same, each side on
 * a private redis-server of its own so `used_memory` and CPU are its alone: N reminders spread over
 * the next month, 10% of them cancelled, 10% due at one instant and worked off by the project's
 * follow-up worker (sending replaced at its seams) or, on the raw side, a plain Worker with the same
 * concurrency. Also counted: Lua scripts and Redis CPU per reminder, which do not depend on how busy
 * the machine is.
 */
export const benchmark: Benchmark = {
  id: 'scheduling',
  order: 4,
  title: 'Scheduling: reminders scheduled, cancelled and a due burst, beside raw BullMQ',
  async run(options) {
    const total = options.quick ? 10_000 : 100_000;
    const plan: Plan = { total, cancelled: total / 10, burst: total / 10 };
    // The burst's worker takes as many jobs at once as the app's would: FOLLOWUP_CONCURRENCY, default 32.
    const { followupConcurrency: concurrency } = loadConfig({ FOLLOWUP_CONCURRENCY: process.env['FOLLOWUP_CONCURRENCY'] });
    const redises = [await startPrivateRedis(), await startPrivateRedis()];
    const logSink = pino.destination({ dest: '/dev/null', sync: false });
    const logger = createLogger({ level: 'info', destination: logSink });
    try {
      const [rawRedis, ourRedis] = redises as [PrivateRedis, PrivateRedis];
      options.log(`scheduling: ${total} reminders on each side; raw BullMQ on port ${rawRedis.port}, the project's FollowUps on ${ourRedis.port}`);
      const [raw, ours] = (await measureBoth(
        [
          { redis: rawRedis, driver: rawDriver(rawRedis.url, concurrency) },
          { redis: ourRedis, driver: projectDriver(ourRedis.url, logger, concurrency) },
        ],
        plan,
        options.log,
      )) as [Side, Side];
      const targets: Target[] = [
        { description: 'scheduling ≥ 0.5× raw BullMQ rate', met: ours.scheduledPerS >= 0.5 * raw.scheduledPerS, detail: `${Math.round(ours.scheduledPerS)} vs ${Math.round(raw.scheduledPerS)} jobs/s (×${(ours.scheduledPerS / raw.scheduledPerS).toFixed(2)})` },
        { description: 'cancelling ≥ 0.5× raw BullMQ rate', met: ours.cancelledPerS >= 0.5 * raw.cancelledPerS, detail: `${Math.round(ours.cancelledPerS)} vs ${Math.round(raw.cancelledPerS)} jobs/s (×${(ours.cancelledPerS / raw.cancelledPerS).toFixed(2)})` },
        { description: 'Redis bytes per reminder ≤ 1.5× raw BullMQ', met: ours.bytesPerReminder <= 1.5 * raw.bytesPerReminder, detail: `${Math.round(ours.bytesPerReminder)} vs ${Math.round(raw.bytesPerReminder)} B (×${(ours.bytesPerReminder / raw.bytesPerReminder).toFixed(2)})` },
        {
          description: `the ${plan.burst} reminders due at one instant all sent within 2 s`,
          met: ours.burstDone === plan.burst && ours.burstFailed === 0 && ours.burstMs <= BURST_TARGET_MS,
          detail: `${ours.burstDone}/${plan.burst} sent in ${Math.round(ours.burstMs)} ms (raw BullMQ worker ${Math.round(raw.burstMs)} ms)`,
        },
      ];
      return {
        rows: [
          {
            label: `schedule ${plan.total}`,
            figures: [
              { name: 'rate', value: ours.scheduledPerS, baseline: raw.scheduledPerS, unit: 'jobs/s' },
              { name: 'Lua scripts per reminder', value: ours.scriptsPerReminder, baseline: raw.scriptsPerReminder },
              { name: 'Redis CPU per reminder', value: ours.redisCpuUsPerReminder, baseline: raw.redisCpuUsPerReminder, unit: 'µs' },
            ],
          },
          { label: `cancel ${plan.cancelled}`, figures: [{ name: 'rate', value: ours.cancelledPerS, baseline: raw.cancelledPerS, unit: 'jobs/s' }] },
          {
            label: 'Redis per reminder',
            figures: [
              { name: 'used_memory Δ / N', value: ours.bytesPerReminder, baseline: raw.bytesPerReminder, unit: 'B' },
              { name: 'MEMORY USAGE job hash', value: ours.jobHashBytes, baseline: raw.jobHashBytes, unit: 'B' },
            ],
          },
          {
            label: `burst of ${plan.burst}`,
            figures: [
              { name: 'due → all processed', value: ours.burstMs, baseline: raw.burstMs, unit: 'ms' },
              { name: 'rate', value: plan.burst / (ours.burstMs / 1000), baseline: plan.burst / (raw.burstMs / 1000), unit: 'jobs/s' },
              { name: 'node CPU per job', value: ours.burstNodeCpuUs, baseline: raw.burstNodeCpuUs, unit: 'µs' },
              { name: 'Redis CPU per job', value: ours.burstRedisCpuUs, baseline: raw.burstRedisCpuUs, unit: 'µs' },
              { name: 'Lua scripts per job', value: ours.burstScripts, baseline: raw.burstScripts },
            ],
          },
        ],
        targets,
        notes: [
          `plan: ${plan.total - plan.burst} booking reminders (ids as the store's UUIDs) due over the next 30 days, ${plan.cancelled} of them cancelled, then ${plan.burst} more due at one instant 1.5 s or more ahead; each side on its own private redis-server (no persistence), one node process; the spread reminders and the cancellations alternate between the sides in ${SLICES} slices, then each side (raw first) schedules its burst and works it off; the scheduling rate counts all ${plan.total}`,
          `project: FollowUps.bookingReminder (${CONCURRENCY} callers at once; each call removes any earlier reminder of the booking, then adds: a moved booking gets a new time) and bookingCancelled; its logger writes JSON at info level to /dev/null`,
          `raw BullMQ: Queue.addBulk in batches of ${BULK} with the same job names, data, ids, options and delays; Queue.remove with ${CONCURRENCY} callers`,
          `bytes: used_memory once the ${plan.total - plan.burst} spread reminders are in, minus before (empty), over their number — job hashes, the delayed set and the events stream (capped by BullMQ at about 10,000 entries); "MEMORY USAGE job hash" is one reminder's hash (SAMPLES 0)`,
          `burst: from the due instant until the worker has finished the last of them (BullMQ 'completed'); the project's side runs the real follow-up worker (createFollowupWorker, concurrency ${concurrency} (FOLLOWUP_CONCURRENCY): job schema, opt-out/quiet-hours/handoff checks, booking checks and date formatting, logging) with the turn replaced at its seams — no turn lock, store or channel send (bot.initiate only counts); the raw side is a Worker with concurrency ${concurrency} whose processor does nothing; CPU per job is the node process's (process.cpuUsage) and the side's redis-server's (INFO cpu) from just before the due instant until the last job, over the burst's size: on an idle machine, one core each, the burst cannot go faster than the larger of the two allows`,
          ...(ours.lateStartMs > 0 || raw.lateStartMs > 0 ? [`the burst's worker was ready ${Math.round(ours.lateStartMs)} ms (project) / ${Math.round(raw.lateStartMs)} ms (raw) after the due instant; measured from when it was ready`] : []),
        ],
      };
    } finally {
      for (const redis of redises) await redis.stop();
      logSink.end();
    }
  },
};

type Running = {
  redis: PrivateRedis;
  driver: Driver;
  scheduleMs: number;
  cancelMs: number;
  /** Redis work while scheduling (both parts). */
  scheduleWork: RedisWork;
};

/** Scripts run and CPU used by a redis-server (its own process: the benchmark's work only). */
type RedisWork = { scripts: number; cpuUs: number };

async function redisWork(redis: PrivateRedis): Promise<RedisWork> {
  const [commands, cpu] = [await redis.admin.info('commandstats'), await redis.admin.info('cpu')];
  const scripts = Number(/cmdstat_evalsha:calls=(\d+)/.exec(commands)?.[1] ?? 0) + Number(/cmdstat_eval:calls=(\d+)/.exec(commands)?.[1] ?? 0);
  const seconds = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(cpu)?.[1] ?? 0);
  return { scripts, cpuUs: (seconds('used_cpu_user') + seconds('used_cpu_sys')) * 1e6 };
}

/** Runs `work` and adds the Redis scripts and CPU it caused to `into`. */
async function counting<T>(redis: PrivateRedis, into: RedisWork, work: () => Promise<T>): Promise<T> {
  const before = await redisWork(redis);
  const result = await work();
  const after = await redisWork(redis);
  into.scripts += after.scripts - before.scripts;
  into.cpuUs += after.cpuUs - before.cpuUs;
  return result;
}

/**
 * Runs the plan on both sides, each on its own flushed private Redis. The spread reminders and the
 * cancellations alternate between the sides slice by slice, so a busy moment of the machine falls
 * on both alike; bytes are read once the spread reminders are in. Then each side in turn (raw
 * first) schedules its burst a moment ahead, starts its worker and waits for it to finish.
 */
async function measureBoth(sides: readonly { redis: PrivateRedis; driver: Driver }[], plan: Plan, log: (message: string) => void): Promise<Side[]> {
  const running: Running[] = sides.map((side) => ({ ...side, scheduleMs: 0, cancelMs: 0, scheduleWork: { scripts: 0, cpuUs: 0 } }));
  const memoryBefore: number[] = [];
  for (const side of running) {
    await side.redis.admin.flushall();
    memoryBefore.push(await side.redis.usedMemory());
  }
  const spreadEnd = plan.total - plan.burst;
  const base = Date.now() + 24 * 3600_000;
  const month = 30 * 24 * 3600_000;
  const spreadAt = (i: number) => base + Math.floor((i * month) / spreadEnd);
  await alternate(running, spreadEnd, 'scheduleMs', (side, from, to) => counting(side.redis, side.scheduleWork, () => side.driver.schedule(from, to, spreadAt)));
  await sleep(200);
  const bytes: { perReminder: number; jobHash: number }[] = [];
  for (const [k, side] of running.entries()) {
    const key = `${side.driver.prefix}:${FOLLOWUPS_QUEUE}:${reminderJobId('booking', bookingId(spreadEnd - 1), 0)}`;
    bytes.push({ perReminder: ((await side.redis.usedMemory()) - (memoryBefore[k] ?? 0)) / spreadEnd, jobHash: Number(await side.redis.admin.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) });
  }
  log(`scheduling: ${spreadEnd} spread over the month on each side; cancelling ${plan.cancelled}`);
  await alternate(running, plan.cancelled, 'cancelMs', (side, from, to) => side.driver.cancel(from, to));
  const results: Side[] = [];
  for (const [k, side] of running.entries()) {
    // Due once the burst is surely scheduled: three times as long as it took so far per job, plus 1.5 s.
    const burstAt = Date.now() + Math.ceil((3 * side.scheduleMs * plan.burst) / spreadEnd) + 1500;
    const started = nowMs();
    await counting(side.redis, side.scheduleWork, () => side.driver.schedule(spreadEnd, plan.total, () => burstAt));
    side.scheduleMs += nowMs() - started;
    const burst = await runBurst(side, burstAt, plan.burst, log);
    await side.driver.close();
    results.push({
      scheduledPerS: plan.total / (side.scheduleMs / 1000),
      scriptsPerReminder: side.scheduleWork.scripts / plan.total,
      redisCpuUsPerReminder: side.scheduleWork.cpuUs / plan.total,
      cancelledPerS: plan.cancelled / (side.cancelMs / 1000),
      bytesPerReminder: bytes[k]?.perReminder ?? Number.NaN,
      jobHashBytes: bytes[k]?.jobHash ?? Number.NaN,
      ...burst,
    });
  }
  return results;
}

/** Does `0…n-1` in `SLICES` slices, each slice on every side in turn, adding each side's time to `field`. */
async function alternate(running: Running[], n: number, field: 'scheduleMs' | 'cancelMs', work: (side: Running, from: number, to: number) => Promise<void>): Promise<void> {
  const size = Math.ceil(n / SLICES);
  for (let from = 0; from < n; from += size) {
    const to = Math.min(n, from + size);
    for (const side of running) {
      const started = nowMs();
      await work(side, from, to);
      side[field] += nowMs() - started;
    }
  }
}

type Burst = Pick<Side, 'burstMs' | 'burstDone' | 'burstFailed' | 'lateStartMs' | 'burstNodeCpuUs' | 'burstRedisCpuUs' | 'burstScripts'>;

/**
 * Starts the side's worker and waits until its burst is worked off (or the timeout); also counts
 * the CPU the node process and Redis spent on it per job, which says how fast it could go on an
 * idle machine (one core each).
 */
async function runBurst(side: Running, burstAt: number, burst: number, log: (message: string) => void): Promise<Burst> {
  let done = 0;
  let failed = 0;
  let lastAt = 0;
  const worker = await side.driver.startWorker((ok) => {
    if (ok) done += 1;
    else failed += 1;
    lastAt = Date.now();
  });
  const lateStartMs = Math.max(0, Date.now() - burstAt);
  log(`scheduling: ${side.driver.prefix}: burst of ${burst} due in ${Math.max(0, burstAt - Date.now())} ms`);
  const work: RedisWork = { scripts: 0, cpuUs: 0 };
  let nodeCpuUs = 0;
  await counting(side.redis, work, async () => {
    while (Date.now() < burstAt - 50) await sleep(10);
    const cpu = process.cpuUsage();
    const giveUp = burstAt + BURST_TIMEOUT_MS;
    while (done + failed < burst && Date.now() < giveUp) await sleep(20);
    const used = process.cpuUsage(cpu);
    nodeCpuUs = used.user + used.system;
  });
  await worker.close();
  const burstMs = done + failed < burst ? Number.POSITIVE_INFINITY : lastAt - (burstAt + lateStartMs);
  return { burstMs, burstDone: done, burstFailed: failed, lateStartMs, burstNodeCpuUs: nodeCpuUs / burst, burstRedisCpuUs: work.cpuUs / burst, burstScripts: work.scripts / burst };
}

