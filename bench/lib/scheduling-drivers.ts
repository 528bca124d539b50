import { Queue, Worker, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { FOLLOWUPS_QUEUE, reminderJobId } from '../../src/followups/followup-jobs.js';
import { createFollowupsQueue, FollowUps } from '../../src/followups/followups.js';
import type { Logger } from '../../src/logging/logger.js';
import { startFollowupWorkerDouble } from './followup-worker-double.js';

/**
 * The two sides of the scheduling benchmark (4): the project's follow-ups API and raw BullMQ, each
 * scheduling, cancelling and working off the same reminders with the same ids, data and options.
 */

/** Callers scheduling at once through the project's API (turns of many conversations), and removing raw jobs. */
export const CONCURRENCY = 64;
/** Raw BullMQ adds in `addBulk` batches of this size. */
export const BULK = 1000;
/** The options the project gives a reminder (`REMINDER_OPTIONS` in src/followups/followups.ts), for the raw side. */
const REMINDER_OPTIONS: JobsOptions = { attempts: 5, backoff: { type: 'exponential', delay: 30_000 }, removeOnComplete: true, removeOnFail: { age: 30 * 24 * 3600 } };

/** A booking id like the store's (a UUID), deterministic so both sides write the same keys. */
export const bookingId = (i: number): string => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
const conversationId = (i: number): string => `10000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;

/** What each side does; the plan and the due instants are the same for both. */
export type Driver = {
  prefix: string;
  /** Schedules reminders `from…to-1` due at `dueAt(i)`. */
  schedule(from: number, to: number, dueAt: (i: number) => number): Promise<void>;
  /** Cancels the reminders `from…to-1`. */
  cancel(from: number, to: number): Promise<void>;
  /** Starts the worker that processes due reminders; `processed` is called once per finished job. */
  startWorker(processed: (ok: boolean) => void): Promise<Worker>;
  close(): Promise<void>;
};

/** BullMQ connections must wait for Redis rather than fail a command (workers block). */
const connect = (url: string): Redis => new Redis(url, { maxRetriesPerRequest: null });

/** Runs `task(i)` for i in from…to-1 with `CONCURRENCY` in flight. */
async function pool(from: number, to: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = from;
  const lane = async () => {
    while (next < to) await task(next++);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
}

/** `concurrency`: jobs the burst's worker takes at once, the same on both sides (`FOLLOWUP_CONCURRENCY`). */
export function projectDriver(url: string, logger: Logger, concurrency: number): Driver {
  const prefix = 'bench-scheduling-ours-bull';
  const connection = connect(url);
  const queue = createFollowupsQueue(connection, prefix);
  const followUps = new FollowUps(queue, { surveyDelayMs: 3_600_000, reminderDelaysMs: [86_400_000], logger, isDraft: () => false });
  const workerConnection = connect(url);
  return {
    prefix,
    schedule: (from, to, dueAt) => pool(from, to, (i) => followUps.bookingReminder(bookingId(i), conversationId(i), dueAt(i))),
    cancel: (from, to) => pool(from, to, (i) => followUps.bookingCancelled(bookingId(i))),
    async startWorker(processed) {
      const worker = startFollowupWorkerDouble({ connection: workerConnection, prefix, followUps, logger, concurrency, onSent: () => undefined });
      // A reminder counts when its job finished as sent (the worker returns why otherwise: dropped, deferred).
      worker.on('completed', (_job, result) => processed(result === 'sent'));
      worker.on('failed', () => processed(false));
      await worker.waitUntilReady();
      return worker;
    },
    async close() {
      await queue.close();
      connection.disconnect();
      workerConnection.disconnect();
    },
  };
}

export function rawDriver(url: string, concurrency: number): Driver {
  const prefix = 'bench-scheduling-raw-bull';
  const connection = connect(url);
  const queue = new Queue(FOLLOWUPS_QUEUE, { connection, prefix });
  const workerConnection = connect(url);
  return {
    prefix,
    async schedule(from, to, dueAt) {
      for (let start = from; start < to; start += BULK) {
        const now = Date.now();
        const jobs = Array.from({ length: Math.min(BULK, to - start) }, (_, k) => {
          const i = start + k;
          const data = { kind: 'reminder', topic: 'booking', subjectId: bookingId(i), conversationId: conversationId(i), slot: 0 };
          return { name: 'reminder', data, opts: { ...REMINDER_OPTIONS, jobId: reminderJobId('booking', bookingId(i), 0), delay: Math.max(0, dueAt(i) - now) } };
        });
        await queue.addBulk(jobs);
      }
    },
    cancel: (from, to) => pool(from, to, (i) => queue.remove(reminderJobId('booking', bookingId(i), 0))),
    async startWorker(processed) {
      const worker = new Worker(FOLLOWUPS_QUEUE, async () => 'sent', { connection: workerConnection, prefix, concurrency });
      worker.on('completed', () => processed(true));
      worker.on('failed', () => processed(false));
      await worker.waitUntilReady();
      return worker;
    },
    async close() {
      await queue.close();
      connection.disconnect();
      workerConnection.disconnect();
    },
  };
}
