import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { z } from 'zod';
import type { I18n } from '../i18n/i18n.js';
import { DEFAULT_LOCALE } from '../i18n/i18n.js';
import type { Logger } from '../logging/logger.js';
import type { TurnRunner } from '../turn/turn-runner.js';

/**
 * The outbound queue: every message that is not a direct reply to the beneficiary's own message
 * (a staff reply, a notification, a reminder) goes through here, so a failed send is retried and
 * nothing is sent twice. A message is either fixed text (a staff reply) or a locale key, rendered
 * in the conversation's language when it is sent.
 */
export const OUTBOUND_QUEUE = 'outbound';

export const outboundPayload = z
  .object({
    conversationId: z.string().min(1),
    /** Makes the job id: the same key is never sent twice. No colon (BullMQ reserves it). */
    idempotencyKey: z.string().regex(/^[A-Za-z0-9_.-]{1,120}$/),
    text: z.string().min(1).max(4000).optional(),
    key: z.string().optional(),
    params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
    author: z.object({ kind: z.enum(['staff', 'system']), staffId: z.string().optional() }).default({ kind: 'system' }),
  })
  .refine((p) => (p.text === undefined) !== (p.key === undefined), { message: 'exactly one of text or key' });

export type OutboundPayload = z.input<typeof outboundPayload>;

export const OUTBOUND_JOB_OPTIONS = {
  attempts: 6,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
  removeOnFail: { age: 30 * 24 * 3600 },
} as const;

export function createOutboundQueue(connection: ConnectionOptions, prefix: string): Queue {
  return new Queue(OUTBOUND_QUEUE, { connection, prefix });
}

/** Queues one outbound message; its job id comes from the idempotency key. */
export async function enqueueOutbound(queue: Queue, payload: OutboundPayload, options: { delayMs?: number; attempts?: number } = {}): Promise<Job> {
  const data = outboundPayload.parse(payload);
  return queue.add('send', data, {
    ...OUTBOUND_JOB_OPTIONS,
    jobId: `out-${data.idempotencyKey}`,
    ...(options.delayMs ? { delay: options.delayMs } : {}),
    ...(options.attempts ? { attempts: options.attempts } : {}),
  });
}

/** Sends queued messages through the conversation's own channel, in line with its turns. */
export function createOutboundWorker(deps: {
  connection: ConnectionOptions;
  prefix: string;
  runner: TurnRunner;
  i18n: I18n;
  logger: Logger;
  /** Called once a message has failed its last attempt (the staff console shows it). */
  onGaveUp?: (failure: { jobId: string; conversationId: string }) => Promise<void>;
}): Worker {
  const log = deps.logger.child({ queue: OUTBOUND_QUEUE });
  const worker = new Worker(
    OUTBOUND_QUEUE,
    async (job) => {
      const payload = outboundPayload.parse(job.data);
      await deps.runner.proactive(payload.conversationId, async (context, turn) => {
        const locale = turn.state.locale ?? turn.conversation.locale ?? DEFAULT_LOCALE;
        const text = payload.text ?? deps.i18n.t(locale, payload.key ?? '', payload.params);
        await context.sendActivity({ type: 'message', locale, text, channelData: { author: payload.author } });
      });
      log.info({ event: 'outbound.sent', jobId: job.id, conversationId: payload.conversationId }, 'outbound message sent');
    },
    // One at a time: a staff reply and the "resolved" notice after it must arrive in that order.
    { connection: deps.connection, prefix: deps.prefix, concurrency: 1 },
  );
  worker.on('failed', (job, error) => {
    log.warn({ event: 'outbound.failed', jobId: job?.id, attempts: job?.attemptsMade, err: error }, 'outbound send failed');
    const gaveUp = job && job.attemptsMade >= (job.opts.attempts ?? 1);
    const conversationId = (job?.data as { conversationId?: unknown } | undefined)?.conversationId;
    if (gaveUp && typeof conversationId === 'string' && deps.onGaveUp) {
      deps.onGaveUp({ jobId: String(job.id), conversationId }).catch((err: unknown) => log.error({ err, event: 'outbound.gave_up_notice_failed' }, 'could not report a failed send'));
    }
  });
  worker.on('error', (error) => log.error({ event: 'outbound.worker_error', err: error }, 'outbound worker error'));
  return worker;
}
