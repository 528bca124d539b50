/**
 * The `retention` queue: the scheduled purge of expired data (see retention.ts). BullMQ's job
 * scheduler holds the schedule in Redis under one id, so every worker process may register it at
 * start and there is still one purge per occurrence; a changed RETENTION_SCHEDULE replaces it.
 */
import { Queue, Worker, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { z } from 'zod';
import type { Logger } from '../logging/logger.js';
import type { PurgeReport } from '../store/types.js';

export const RETENTION_QUEUE = 'retention';
/** The job scheduler's id (and the template job's name); no `:`, which BullMQ ids may not hold. */
export const RETENTION_SCHEDULER_ID = 'retention';
/** Schedules are read in Riyadh time: "03:00" is three in the morning where the association works. */
export const RETENTION_TIME_ZONE = 'Asia/Riyadh';

/** A purge takes nothing from its job: the limits are this process's configuration when it runs. */
export const retentionJob = z.object({}).strict();

/**
 * A failed purge (the store unreachable) is tried again within the hour; the next day's run would
 * catch up anyway. A few finished runs are kept for inspection.
 */
const RETENTION_JOB_OPTIONS: JobsOptions = {
  attempts: 4,
  backoff: { type: 'exponential', delay: 60_000 },
  removeOnComplete: { count: 30 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

export function createRetentionQueue(connection: ConnectionOptions, prefix: string): Queue {
  return new Queue(RETENTION_QUEUE, { connection, prefix });
}

/** Registers (or replaces) the purge's schedule: `pattern` is a cron pattern read in Asia/Riyadh. */
export async function scheduleRetention(queue: Queue, pattern: string): Promise<void> {
  await queue.upsertJobScheduler(
    RETENTION_SCHEDULER_ID,
    { pattern, tz: RETENTION_TIME_ZONE },
    { name: RETENTION_SCHEDULER_ID, data: {}, opts: RETENTION_JOB_OPTIONS },
  );
}

export type RetentionWorkerDependencies = {
  connection: ConnectionOptions;
  prefix: string;
  /** The purge itself (`purgeExpiredData` with the configured limits). */
  purge: () => Promise<PurgeReport>;
  logger: Logger;
};

/** Runs purges one at a time; the job's result is the report (counts only). */
export function createRetentionWorker(deps: RetentionWorkerDependencies): Worker {
  const log = deps.logger.child({ queue: RETENTION_QUEUE });
  const worker = new Worker(
    RETENTION_QUEUE,
    async (job) => {
      retentionJob.parse(job.data);
      return deps.purge();
    },
    { connection: deps.connection, prefix: deps.prefix, concurrency: 1 },
  );
  worker.on('failed', (job, error) => log.warn({ event: 'retention.failed', jobId: job?.id, attempts: job?.attemptsMade, err: error }, 'retention purge failed'));
  worker.on('error', (error) => log.error({ event: 'retention.worker_error', err: error }, 'retention worker error'));
  return worker;
}
