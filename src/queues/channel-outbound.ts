import { Queue, type ConnectionOptions, type Job, type Worker } from 'bullmq';
import type { ChannelModule, SingleSender } from '../channels/channel-module.js';
import type { Logger } from '../logging/logger.js';
import type { Store } from '../store/types.js';
import { queuedBeforeErasure } from './jobs-of-conversations.js';
import { OUTBOUND_JOB_OPTIONS, OUTBOUND_QUEUE, type ForwardOutcome } from './outbound-queue.js';
import { outboundEnvelope } from './outbound-payload.js';

/** The outbound queue of one channel, e.g. `outbound-telegram`, `outbound-whatsapp-web`. */
export function channelQueueName(channel: string): string {
  return `${OUTBOUND_QUEUE}-${channel.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/** How a channel queue's worker sends: when it may (a single sender), and how many at once. */
export type ChannelSending = {
  /** Whether this process can send on the channel right now; absent: always. */
  canSend?: () => boolean;
  /** Jobs in flight at once; absent: the outbound default. */
  concurrency?: number;
};

export type ChannelOutbound = {
  /**
   * Moves a job of the shared queue to its conversation's channel queue (`moved`); leaves a job
   * queued before its conversation was erased where it is, to be dropped (`erased`); `kept` when the
   * conversation is on no platform channel.
   */
  forward(job: Job): Promise<ForwardOutcome>;
  /** Each channel's own queue, by channel name (erasure looks in all of them). */
  readonly queues: ReadonlyMap<string, Queue>;
  close(): Promise<void>;
};

/**
 * One outbound queue per platform channel. Every message enters the shared `outbound` queue;
 * whichever worker takes it moves it, same id, data (still sealed), attempts and creation time, to its
 * conversation's channel queue, and that queue's own worker sends it. A job waits for its
 * platform's pacing slot while holding a worker slot, so with one pool of slots the slower platform
 * (Telegram, 30/s) held the faster (WhatsApp Cloud, 80/s) to its pace; with a pool per channel each
 * runs at its own limit. Moving, not routing at enqueue, keeps the producers as they were (they
 * need not know the channel) and sends the jobs queued before the channel queues existed.
 *
 * A channel only one process can send on (WhatsApp Web: the session lives in one browser) has its
 * queue worked one job at a time, only while this process is the sender, paused when it stops being
 * one; so a standby process never picks up a message it cannot send. Other channels' queues are
 * worked wherever `work` is set (the worker processes). A conversation on no platform channel (the
 * web chat) is not moved: the shared queue's worker sends it.
 */
export function createChannelOutbound(deps: {
  channels: ChannelModule[];
  store: Store;
  connection: ConnectionOptions;
  prefix: string;
  logger: Logger;
  /** Whether this process works the queues of channels any process can send on (role `all` or `worker`). */
  work: boolean;
  /** Builds the (not yet running) worker of one channel queue. */
  createWorker: (queueName: string, sending: ChannelSending) => Worker;
}): ChannelOutbound {
  const queues = new Map<string, Queue>();
  const workers: Worker[] = [];
  const start = (worker: Worker, name: string) =>
    worker.run().catch((error: unknown) => deps.logger.error({ err: error, event: 'outbound.channel_worker_failed', queue: name }, 'channel queue worker stopped'));
  for (const channel of deps.channels) {
    const name = channelQueueName(channel.adapter.channel);
    queues.set(channel.adapter.channel, new Queue(name, { connection: deps.connection, prefix: deps.prefix }));
    const sender = channel.sender;
    if (sender) {
      // One browser session sends one message at a time.
      const worker = deps.createWorker(name, { canSend: () => sender.isSender(), concurrency: 1 });
      workers.push(worker);
      followSender(sender, worker, name, deps.logger, start);
    } else if (deps.work) {
      const worker = deps.createWorker(name, {});
      workers.push(worker);
      void start(worker, name);
    }
  }

  return {
    async forward(job) {
      if (queues.size === 0) return 'kept';
      const { conversationId } = outboundEnvelope.parse(job.data);
      const conversation = await deps.store.conversations.get(conversationId);
      // Erased while this job waited or ran: it is not moved, so no copy of its words reaches the channel queue.
      if (queuedBeforeErasure(job.timestamp, conversation)) return 'erased';
      const queue = conversation ? queues.get(conversation.channel) : undefined;
      if (!queue) return 'kept';
      // Same id: a forward run again (the shared job stalled after it) finds the job there and adds nothing.
      // Same creation time: an erasure between this read and the add still finds the moved job queued before it.
      await queue.add(job.name, job.data, {
        ...OUTBOUND_JOB_OPTIONS,
        attempts: job.opts.attempts ?? OUTBOUND_JOB_OPTIONS.attempts,
        jobId: String(job.id),
        timestamp: job.timestamp,
      });
      return 'moved';
    },
    queues,
    async close() {
      await Promise.all(workers.map((worker) => worker.close()));
      await Promise.all([...queues.values()].map((queue) => queue.close()));
    },
  };
}

/** Runs a single-sender channel's worker while this process is the sender, and pauses it when not. */
function followSender(sender: SingleSender, worker: Worker, name: string, logger: Logger, start: (worker: Worker, name: string) => Promise<unknown>): void {
  let running = false;
  const follow = (isSender: boolean) => {
    logger.info({ event: 'outbound.sender_changed', queue: name, isSender }, isSender ? "sending this channel's queued messages" : 'no longer the sender of this channel');
    if (isSender && !running) {
      running = true;
      void start(worker, name);
    } else if (isSender) worker.resume();
    else if (running) void worker.pause(true);
  };
  sender.onChange(follow);
  if (sender.isSender()) follow(true);
}
