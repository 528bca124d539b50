import { Queue, type ConnectionOptions, type Job, type Worker } from 'bullmq';
import type { ChannelModule } from '../channels/channel-module.js';
import type { Logger } from '../logging/logger.js';
import type { Store } from '../store/types.js';
import { OUTBOUND_JOB_OPTIONS, OUTBOUND_QUEUE, outboundPayload } from './outbound-queue.js';

/** The queue of a channel only one process can send on, e.g. `outbound-whatsapp-web`. */
export function senderQueueName(channel: string): string {
  return `${OUTBOUND_QUEUE}-${channel.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

export type SenderOutbound = {
  /** Hands a job of the shared queue to its channel's own queue; true when it did. */
  forward(job: Job): Promise<boolean>;
  /** The channels' own queues (e.g. to remove an erased conversation's waiting messages). */
  queues(): Queue[];
  close(): Promise<void>;
};

/**
 * Outbound messages for channels with a single sender (WhatsApp Web: the session lives in one
 * browser, in one process). Whichever worker takes such a job from the shared queue moves it, same
 * id and options, to the channel's own queue; that queue's worker runs only while this process is
 * the sender, and pauses when it stops being one. So a standby process never picks up a message it
 * cannot send, and nothing waits on retries to land in the right process by chance.
 */
export function createSenderOutbound(deps: {
  channels: ChannelModule[];
  store: Store;
  connection: ConnectionOptions;
  prefix: string;
  logger: Logger;
  /** Builds the (not yet running) worker of one channel queue; it sends only while `canSend()`. */
  createWorker: (queueName: string, canSend: () => boolean) => Worker;
}): SenderOutbound {
  const queues = new Map<string, Queue>();
  const workers: Worker[] = [];
  for (const channel of deps.channels) {
    const sender = channel.sender;
    if (!sender) continue;
    const name = senderQueueName(channel.adapter.channel);
    queues.set(channel.adapter.channel, new Queue(name, { connection: deps.connection, prefix: deps.prefix }));
    const worker = deps.createWorker(name, () => sender.isSender());
    workers.push(worker);
    let running = false;
    const follow = (isSender: boolean) => {
      deps.logger.info({ event: 'outbound.sender_changed', queue: name, isSender }, isSender ? 'sending this channel\'s queued messages' : 'no longer the sender of this channel');
      if (isSender && !running) {
        running = true;
        worker.run().catch((error: unknown) => deps.logger.error({ err: error, event: 'outbound.sender_worker_failed', queue: name }, 'channel queue worker stopped'));
      } else if (isSender) worker.resume();
      else if (running) void worker.pause(true);
    };
    sender.onChange(follow);
    if (sender.isSender()) follow(true);
  }

  return {
    async forward(job) {
      if (queues.size === 0) return false;
      const payload = outboundPayload.parse(job.data);
      const conversation = await deps.store.conversations.get(payload.conversationId);
      const queue = conversation ? queues.get(conversation.channel) : undefined;
      if (!queue) return false;
      await queue.add(job.name, job.data, { ...OUTBOUND_JOB_OPTIONS, attempts: job.opts.attempts ?? OUTBOUND_JOB_OPTIONS.attempts, jobId: String(job.id) });
      return true;
    },
    queues: () => [...queues.values()],
    async close() {
      await Promise.all(workers.map((worker) => worker.close()));
      await Promise.all([...queues.values()].map((queue) => queue.close()));
    },
  };
}
