import { DelayedError, Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { AppError } from '../errors/app-error.js';
import type { I18n } from '../i18n/i18n.js';
import { DEFAULT_LOCALE, type Locale } from '../i18n/i18n.js';
import type { Logger } from '../logging/logger.js';
import type { Cipher } from '../security/cipher.js';
import { LocalTurnLock } from '../turn/turn-lock.js';
import type { TurnRunner } from '../turn/turn-runner.js';
import type { TurnData } from '../bot/turn-data.js';
import { sendInBulk } from '../channels/send-lane.js';
import { queuedBeforeErasure } from './jobs-of-conversations.js';
import { openOutbound, outboundEnvelope, outboundPayload, sealOutbound, type OutboundEnvelope, type OutboundPayload, type ParsedOutboundPayload } from './outbound-payload.js';

/**
 * The outbound queue: every message that is not a direct reply to the beneficiary's own message
 * (a staff reply, a notification, a reminder) goes through here, so a failed send is retried and
 * nothing is sent twice. A message is either fixed text (a staff reply) or a locale key, rendered
 * in the conversation's language when it is sent. Every message enters this shared queue; its worker
 * moves a platform channel's messages to that channel's own queue (`channel-outbound.ts`), where they
 * are sent, so one platform's pacing never holds another's.
 */
export const OUTBOUND_QUEUE = 'outbound';

/**
 * Where messages are queued: the shared queue, with the cipher that seals each message's words
 * before they reach Redis. {@link enqueueOutbound} takes this rather than the bare queue, so nothing
 * can queue a message in plain.
 */
export type OutboundQueue = { readonly queue: Queue; readonly cipher: Cipher };

export const OUTBOUND_JOB_OPTIONS = {
  attempts: 6,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
  removeOnFail: { age: 30 * 24 * 3600 },
} as const;

/** How long a message waits when its channel's sender is momentarily away. */
export const SENDER_RECHECK_MS = 5_000;

export function createOutboundQueue(connection: ConnectionOptions, prefix: string, cipher: Cipher): OutboundQueue {
  return { queue: new Queue(OUTBOUND_QUEUE, { connection, prefix }), cipher };
}

/**
 * Queues one outbound message; its job id comes from the idempotency key. The words (text, key,
 * parameters) are sealed in the job; the worker opens them when it sends.
 *
 * @example
 * await enqueueOutbound(outbound, { conversationId, idempotencyKey: `handoff-${id}-resolved`, key: 'handoff.resolved' });
 */
export async function enqueueOutbound(outbound: OutboundQueue, payload: OutboundPayload, options: { delayMs?: number; attempts?: number } = {}): Promise<Job> {
  const data = outboundPayload.parse(payload);
  return outbound.queue.add('send', sealOutbound(data, outbound.cipher), {
    ...OUTBOUND_JOB_OPTIONS,
    jobId: `out-${data.idempotencyKey}`,
    ...(options.delayMs ? { delay: options.delayMs } : {}),
    ...(options.attempts ? { attempts: options.attempts } : {}),
  });
}

export type OutboundWorkerDependencies = {
  connection: ConnectionOptions;
  prefix: string;
  runner: TurnRunner;
  i18n: I18n;
  logger: Logger;
  /** Opens the sealed words of a job (the cipher `enqueueOutbound` sealed them with). */
  cipher: Cipher;
  /** The queue to work; default the shared outbound queue. */
  queueName?: string;
  /** False: the caller starts it (`worker.run()`) when it should; default true. */
  autorun?: boolean;
  /**
   * Whether this process can send right now (a single-sender channel between a disconnect and the
   * worker's pause); when not, the job waits `SENDER_RECHECK_MS` without spending an attempt.
   */
  canSend?: () => boolean;
  /**
   * Hands a job to another queue instead of sending it here (its channel's own queue, see
   * `channel-outbound.ts`). The job's data moves as it is, still sealed.
   */
  forward?: (job: Job) => Promise<ForwardOutcome>;
  /**
   * For an automatic message: when it may be sent (epoch ms), given the conversation as it is now —
   * later while a person owns it or in quiet hours; null to send now.
   */
  holdAutomatic?: (turn: TurnData) => Promise<number | null>;
  /** Called once a message has failed its last attempt (the staff console shows it). */
  onGaveUp?: (failure: { jobId: string; conversationId: string }) => Promise<void>;
  /** Jobs in flight at once in this process; default {@link OUTBOUND_CONCURRENCY}. */
  concurrency?: number;
};

/**
 * What `forward` did with a job: moved it to another queue (`moved`), refused to because the job
 * was queued before its conversation was erased (`erased`: it is dropped), or left it to be sent
 * here (`kept`).
 */
export type ForwardOutcome = 'moved' | 'erased' | 'kept';

/**
 * Messages in flight at once per process and queue (the shared one, and each channel's own). One
 * conversation's messages still go one after another, in the order the worker took them (a
 * {@link LocalTurnLock} keyed by conversation); the parallelism is across conversations, so a
 * broadcast is not held to one platform round trip at a time. The slots are per channel because a
 * job holds its slot while it waits for its platform's pacing slot: in one shared pool, Telegram's
 * 30/s held WhatsApp's 80/s to 39% (benchmark 7).
 */
export const OUTBOUND_CONCURRENCY = 16;

/**
 * Sends queued messages through the conversation's own channel, in line with its turns. The job id
 * is the activity id, so a retried send is the same transcript message, not a second one. A failure
 * the channel calls permanent (a blocked bot, a number that is not on WhatsApp, a closed window
 * with no template) is not retried. A message queued before its conversation was erased (one the
 * erasure could not cancel because it was running) is dropped, neither moved nor sent.
 */
export function createOutboundWorker(deps: OutboundWorkerDependencies): Worker {
  const queueName = deps.queueName ?? OUTBOUND_QUEUE;
  const log = deps.logger.child({ queue: queueName });
  const inOrder = new LocalTurnLock();
  const worker = new Worker(
    queueName,
    // A staff reply and the "resolved" notice after it must arrive in that order: one conversation's
    // jobs run one at a time, in the order this worker took them.
    async (job, token) => inOrder.run(conversationOf(job), () => processJob(job, token)),
    { connection: deps.connection, prefix: deps.prefix, concurrency: deps.concurrency ?? OUTBOUND_CONCURRENCY, autorun: deps.autorun ?? true },
  );
  async function processJob(job: Job, token: string | undefined): Promise<void> {
    // Sent already, its words dropped (`forgetText`): a run after a stall has nothing left to send.
    if ((job.data as { done?: unknown } | undefined)?.done === true) return;
    const envelope = outboundEnvelope.parse(job.data);
    const forwarded = deps.forward ? await deps.forward(job) : 'kept';
    if (forwarded === 'erased') return dropErased(job, envelope, log);
    if (forwarded === 'moved') return forgetText(job, envelope, log);
    if (deps.canSend && !deps.canSend()) {
      await job.moveToDelayed(Date.now() + SENDER_RECHECK_MS, token);
      throw new DelayedError();
    }
    const payload = openOutbound(job.data, deps.cipher);
    let outcome: SendOutcome;
    try {
      outcome = await deps.runner.proactive(payload.conversationId, async (context, turn): Promise<SendOutcome> => {
        // The conversation as it is now, inside its turn lock: erased since this job was queued, it is not sent.
        if (queuedBeforeErasure(job.timestamp, turn.conversation)) return { kind: 'erased' };
        const hold = payload.automatic && deps.holdAutomatic ? await deps.holdAutomatic(turn) : null;
        if (hold !== null) return { kind: 'held', until: hold };
        const locale = turn.state.locale ?? turn.conversation.locale ?? DEFAULT_LOCALE;
        const text = payload.text ?? deps.i18n.t(locale, payload.key ?? '', paramsIn(locale, payload.params));
        // A notice the bot sends on its own waits behind replies to people talking now.
        if (payload.automatic) sendInBulk(context);
        await context.sendActivity({ id: String(job.id), type: 'message', locale, text, channelData: { author: payload.author } });
        return { kind: 'sent' };
      });
    } catch (error) {
      if (error instanceof AppError && !error.retryable) throw new UnrecoverableError(`${error.code}: ${error.message}`);
      throw error;
    }
    if (outcome.kind === 'erased') return dropErased(job, envelope, log);
    if (outcome.kind === 'held') {
      log.info({ event: 'outbound.held', jobId: job.id, conversationId: payload.conversationId }, 'automatic message held');
      await job.moveToDelayed(Date.now() + Math.max(1000, outcome.until - Date.now()), token);
      throw new DelayedError();
    }
    log.info({ event: 'outbound.sent', jobId: job.id, conversationId: payload.conversationId }, 'outbound message sent');
    await forgetText(job, payload, log);
  }
  worker.on('failed', (job, error) => {
    log.warn({ event: 'outbound.failed', jobId: job?.id, attempts: job?.attemptsMade, err: error }, 'outbound send failed');
    const gaveUp = job && (error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1));
    const conversationId = (job?.data as { conversationId?: unknown } | undefined)?.conversationId;
    // A message that will not be retried keeps its ids for the console (30 days), not its words.
    const parsed = gaveUp ? outboundEnvelope.safeParse(job.data) : null;
    if (job && parsed?.success) void forgetText(job, parsed.data, log);
    if (gaveUp && typeof conversationId === 'string' && deps.onGaveUp) {
      deps.onGaveUp({ jobId: String(job.id), conversationId }).catch((err: unknown) => log.error({ err, event: 'outbound.gave_up_notice_failed' }, 'could not report a failed send'));
    }
  });
  worker.on('error', (error) => log.error({ event: 'outbound.worker_error', err: error }, 'outbound worker error'));
  return worker;
}

/** What a send came to: sent, held until `until` (epoch ms), or dropped because the conversation was erased since. */
type SendOutcome = { kind: 'sent' } | { kind: 'held'; until: number } | { kind: 'erased' };

/**
 * A job queued before its conversation was erased: not sent, and its words dropped like a sent
 * job's (ids only). Logged by id only.
 */
async function dropErased(job: Job, envelope: OutboundEnvelope, log: Logger): Promise<void> {
  log.info({ event: 'outbound.dropped_erased', jobId: job.id, conversationId: envelope.conversationId }, 'message queued before the erasure of its conversation dropped');
  await forgetText(job, envelope, log);
}

/**
 * A sent (or forwarded, or dropped) job stays in Redis a week so its id keeps the message from going twice, but
 * its words need not: sealed or not (a job queued before sealing holds them in plain), a staff reply
 * or a note may hold personal data. Only the ids stay. A failure here is logged; the message was sent.
 */
async function forgetText(job: Job, payload: OutboundEnvelope, log: Logger): Promise<void> {
  try {
    await job.updateData({ conversationId: payload.conversationId, idempotencyKey: payload.idempotencyKey, author: payload.author, automatic: payload.automatic, done: true });
  } catch (error) {
    log.warn({ err: error, event: 'outbound.forget_failed', jobId: job.id }, 'could not drop the text of a sent message from its job');
  }
}

/** The conversation a job writes to ('' for a job too broken to name one: it fails on its own). */
function conversationOf(job: Job): string {
  const id = (job.data as { conversationId?: unknown } | undefined)?.conversationId;
  return typeof id === 'string' ? id : '';
}

/** Parameters for one language: a `{ ar, en }` value becomes the text for `locale`. */
function paramsIn(locale: Locale, params: OutboundParams | undefined): Record<string, string | number> | undefined {
  if (!params) return undefined;
  return Object.fromEntries(Object.entries(params).map(([name, value]) => [name, typeof value === 'object' ? value[locale] : value]));
}

type OutboundParams = NonNullable<ParsedOutboundPayload['params']>;
