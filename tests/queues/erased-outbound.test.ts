import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Activity, ResourceResponse, TurnContext } from 'botbuilder-core';
import type { Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { ChannelAdapter, type ChannelCapabilities } from '../../src/channels/channel-adapter.js';
import type { ChannelFactory, ChannelModule } from '../../src/channels/channel-module.js';
import { createLogger } from '../../src/logging/logger.js';
import { eraseContactData } from '../../src/privacy/erase.js';
import { channelQueueName, createChannelOutbound } from '../../src/queues/channel-outbound.js';
import { removePendingJobs } from '../../src/queues/jobs-of-conversations.js';
import { createOutboundQueue, createOutboundWorker, enqueueOutbound, OUTBOUND_QUEUE, type OutboundQueue } from '../../src/queues/outbound-queue.js';
import type { Store } from '../../src/store/types.js';
import type { TurnRunner } from '../../src/turn/turn-runner.js';
import { clearRedisPrefix, REDIS_URL, useTestApp } from '../helpers/test-app.js';

/**
 * Erasure and the outbound jobs it cannot cancel, on real Redis. Erasure removes the queued jobs
 * of the beneficiary's conversations, but a job running at that moment is locked and stays: the
 * shared queue's worker may be moving it to its channel's queue, or a worker may be about to send
 * it. Such a job is dropped (not sent, its words gone from Redis) because its conversation carries
 * the erasure's mark and the job was queued before it; what is queued afterwards still goes out.
 *
 * The app (started for its store, turn runner and channel) runs its own queues; each test builds a
 * second set of outbound queues and workers under its own BullMQ prefix, with a pause at the
 * moment the race happens, so the order of events is the one under test, not a matter of timing.
 */
class RecordingPlatform extends ChannelAdapter {
  readonly capabilities: ChannelCapabilities = { maxActions: 3, maxActionTitle: 20, maxTextLength: 4000, typing: false };
  readonly sent: string[] = [];

  constructor(readonly channel: string) {
    super();
  }

  override async sendActivities(_context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    return activities.map((activity) => {
      this.sent.push(String(activity.text ?? ''));
      return { id: `p-${this.sent.length}` };
    });
  }
}

const platform = new RecordingPlatform('erasure-platform');
const channelModule: ChannelModule = { adapter: platform, start: async () => {}, stop: async () => {} };
const channelOf: ChannelFactory = () => channelModule;
const t = useTestApp({ channels: [channelOf] });

const logLines: string[] = [];
const logger = createLogger({ level: 'info', destination: { write: (line: string) => void logLines.push(line) } });

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** One pause: `reached` resolves when the code under test gets there, `resume` lets it go on. */
function pause(): { reached: Promise<void>; arrive: () => void; wait: Promise<void>; resume: () => void } {
  let arrive = () => {};
  let resume = () => {};
  const reached = new Promise<void>((resolve) => (arrive = resolve));
  const wait = new Promise<void>((resolve) => (resume = resolve));
  return { reached, arrive, wait, resume };
}

type Harness = {
  outbound: OutboundQueue;
  channelQueue: Queue;
  /** What erasure is given: the queued jobs of these conversations removed from both queues. */
  cancelJobs: (ids: ReadonlySet<string>) => Promise<number>;
  rawJob(queueName: string, jobId: string): Promise<Record<string, string>>;
};

/**
 * The shared outbound queue and the platform's channel queue, with their workers, as the app wires
 * them. `pauseForward` stops the shared worker's move of one conversation's job before it reads the
 * conversation, or after it has read it and before it adds the job to the channel queue; `pauseSend` stops a send of one
 * conversation before it takes the conversation's turn; `forward: false` has the shared worker send
 * itself (as for the web chat).
 */
type Pause = ReturnType<typeof pause>;

async function harness(
  options: { pauseForward?: { conversationId: string; at: Pause; when: 'before-read' | 'after-read' }; pauseSend?: { conversationId: string; at: Pause }; forward?: boolean } = {},
): Promise<Harness> {
  const prefix = `${t().prefix}-erased-${crypto.randomBytes(3).toString('hex')}`;
  const { store, runner, i18n } = t().app;
  const cipher = t().app.outbound.cipher;
  const connections: Redis[] = [];
  const connection = () => {
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    connections.push(redis);
    return redis;
  };
  const outbound = createOutboundQueue(connection(), prefix, cipher);
  const workers: Worker[] = [];

  // The store the forward reads the conversation from: paused, for one conversation, once it has read it.
  const forwardStore: Store = Object.create(store) as Store;
  Object.defineProperty(forwardStore, 'conversations', {
    value: {
      ...store.conversations,
      get: async (id: string) => {
        const paused = options.pauseForward?.conversationId === id ? options.pauseForward : null;
        const held = async () => {
          paused?.at.arrive();
          await paused?.at.wait;
        };
        if (paused?.when === 'before-read') await held();
        const conversation = await store.conversations.get(id);
        if (paused?.when === 'after-read') await held();
        return conversation;
      },
    },
  });
  const pausedRunner = {
    proactive: async (...args: Parameters<TurnRunner['proactive']>) => {
      if (options.pauseSend?.conversationId === args[0]) {
        options.pauseSend.at.arrive();
        await options.pauseSend.at.wait;
      }
      return runner.proactive(...args);
    },
  } as unknown as TurnRunner;

  const deps = { prefix, runner: pausedRunner, i18n, logger, cipher };
  const channels = createChannelOutbound({
    channels: [channelModule],
    store: forwardStore,
    connection: connection(),
    prefix,
    logger,
    work: true,
    createWorker: (queueName, sending) => {
      const worker = createOutboundWorker({ ...deps, connection: connection(), queueName, autorun: false, ...sending });
      workers.push(worker);
      return worker;
    },
  });
  const shared = createOutboundWorker({
    ...deps,
    connection: connection(),
    ...(options.forward === false ? {} : { forward: (job: Job) => channels.forward(job) }),
  });
  const channelQueue = channels.queues.get(platform.channel);
  if (!channelQueue) throw new Error('no channel queue');
  const reader = connection();
  cleanups.push(async () => {
    await shared.close();
    await channels.close();
    await outbound.queue.close();
    for (const redis of connections) redis.disconnect();
    await clearRedisPrefix(prefix);
  });
  return {
    outbound,
    channelQueue,
    cancelJobs: async (ids) => (await removePendingJobs(outbound.queue, ids)) + (await removePendingJobs(channelQueue, ids)),
    rawJob: (queueName, jobId) => reader.hgetall(`${prefix}:${queueName}:${jobId}`),
  };
}

/** A beneficiary on the platform who has consented, with the conversation their messages go to. */
async function beneficiary(): Promise<{ contactId: string; conversationId: string }> {
  const { store } = t().app;
  const contact = await store.contacts.create({ locale: 'ar', displayName: 'أم خالد' });
  await store.contacts.update(contact.id, { consent: { version: '2026-11-v1', at: new Date(), channel: platform.channel } });
  const conversation = await store.conversations.create({ channel: platform.channel, externalId: `erasure-${crypto.randomUUID()}`, contactId: contact.id, locale: 'ar' });
  return { contactId: contact.id, conversationId: conversation.id };
}

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  for (const started = Date.now(); Date.now() - started < ms; await sleep(25)) if (await check()) return;
  throw new Error(`timed out waiting for ${what}`);
}

const finished = async (queue: Queue, jobId: string) => (await queue.getJob(jobId))?.finishedOn !== undefined;

/** The job's words are gone from Redis: neither sealed nor in plain, in either queue. */
async function expectNoWords(h: Harness, jobId: string, plain: string): Promise<void> {
  for (const queueName of [OUTBOUND_QUEUE, channelQueueName(platform.channel)]) {
    const data = (await h.rawJob(queueName, jobId))['data'] ?? '';
    expect(data).not.toContain('sealed');
    expect(data).not.toContain(plain);
  }
}

/** The one `outbound.dropped_erased` line of a job: its ids, never its words. */
function expectDroppedLine(jobId: string, conversationId: string, plain: string): void {
  const dropped = logLines.filter((line) => line.includes('outbound.dropped_erased') && line.includes(jobId));
  expect(dropped).toHaveLength(1);
  expect(JSON.parse(dropped[0] ?? '{}')).toMatchObject({ level: 30, event: 'outbound.dropped_erased', jobId, conversationId });
  expect(dropped[0]).not.toContain(plain);
}

describe('a message in flight when the beneficiary erases their data', () => {
  it('is not sent when the shared worker moves it to its channel queue after the erasure ran, and keeps no words there', async () => {
    const { contactId, conversationId } = await beneficiary();
    const moving = pause();
    const h = await harness({ pauseForward: { conversationId, at: moving, when: 'after-read' } });
    const text = 'موعدك مع الباحثة يوم الأحد الساعة العاشرة';
    const job = await enqueueOutbound(h.outbound, { conversationId, idempotencyKey: `inflight-${conversationId}`, text, author: { kind: 'staff', staffId: 'staff-1' } });
    const jobId = String(job.id);

    // The shared worker has read the conversation (not erased yet) and is about to add the job to the channel queue.
    await moving.reached;
    expect(await (await h.outbound.queue.getJob(jobId))?.getState()).toBe('active');
    const { report } = await eraseContactData(t().app.store, contactId, { cancelJobs: h.cancelJobs });
    // The running job was locked: the erasure could not cancel it, and the channel queue had nothing yet.
    expect(report.jobsCancelled).toBe(0);
    moving.resume();

    // It reaches the channel queue after the erasure looked there, with its original creation time…
    await until(() => finished(h.channelQueue, jobId), 'the channel queue job to finish');
    const moved = await h.channelQueue.getJob(jobId);
    expect(moved?.timestamp).toBe(job.timestamp);
    // …and is dropped there, not sent: its words are gone from both queues.
    await sleep(300);
    expect(platform.sent).not.toContain(text);
    expect(moved?.data).toEqual({ conversationId, idempotencyKey: `inflight-${conversationId}`, author: { kind: 'staff', staffId: 'staff-1' }, automatic: false, done: true });
    await expectNoWords(h, jobId, 'الباحثة');
    expectDroppedLine(jobId, conversationId, 'الباحثة');
    expect(await t().app.store.messages.list(conversationId, { direction: 'outgoing' })).toEqual([]);
  });

  it('is not moved to its channel queue when the shared worker looks at the conversation after the erasure', async () => {
    const { contactId, conversationId } = await beneficiary();
    const taken = pause();
    const h = await harness({ pauseForward: { conversationId, at: taken, when: 'before-read' } });
    const text = t().app.i18n.t('ar', 'handoff.waiting');
    const job = await enqueueOutbound(h.outbound, { conversationId, idempotencyKey: `taken-${conversationId}`, key: 'handoff.waiting', automatic: true });
    const jobId = String(job.id);
    await taken.reached;
    await eraseContactData(t().app.store, contactId, { cancelJobs: h.cancelJobs });
    taken.resume();

    await until(() => finished(h.outbound.queue, jobId), 'the shared job to finish');
    await sleep(300);
    expect(await h.channelQueue.getJob(jobId)).toBeUndefined();
    expect((await h.outbound.queue.getJob(jobId))?.data).toMatchObject({ conversationId, done: true });
    expect(platform.sent).not.toContain(text);
    await expectNoWords(h, jobId, 'handoff.waiting');
    expectDroppedLine(jobId, conversationId, 'handoff.waiting');
  });

  it('is not sent when it was waiting to be sent while the erasure ran (sent by the shared worker, as on the web chat)', async () => {
    const { contactId, conversationId } = await beneficiary();
    const sending = pause();
    const h = await harness({ forward: false, pauseSend: { conversationId, at: sending } });
    const text = 'تم قبول طلبك رقم ٤٨٢٧';
    const job = await enqueueOutbound(h.outbound, { conversationId, idempotencyKey: `sending-${conversationId}`, text });
    const jobId = String(job.id);
    await sending.reached;
    await eraseContactData(t().app.store, contactId, { cancelJobs: h.cancelJobs });
    sending.resume();

    await until(() => finished(h.outbound.queue, jobId), 'the job to finish');
    expect(platform.sent).not.toContain(text);
    expect((await h.outbound.queue.getJob(jobId))?.data).toMatchObject({ conversationId, done: true });
    await expectNoWords(h, jobId, '٤٨٢٧');
    expectDroppedLine(jobId, conversationId, '٤٨٢٧');
  });
});

describe('messages after an erasure', () => {
  it('sends what is queued for the conversation after the erasure (the beneficiary writes again, a staff reply)', async () => {
    const { contactId, conversationId } = await beneficiary();
    const h = await harness({});
    await eraseContactData(t().app.store, contactId, { cancelJobs: h.cancelJobs });
    expect((await t().app.store.conversations.get(conversationId))?.erasedAt).toBeInstanceOf(Date);

    const reply = 'أهلًا بك من جديد، كيف نساعدك؟';
    const job = await enqueueOutbound(h.outbound, { conversationId, idempotencyKey: `after-${conversationId}`, text: reply, author: { kind: 'staff', staffId: 'staff-2' } });
    await until(() => platform.sent.includes(reply), 'the reply after the erasure');
    await until(() => finished(h.channelQueue, String(job.id)), 'the channel job to finish');
    // Sent like any message: once, and its words then dropped.
    expect(platform.sent.filter((text) => text === reply)).toHaveLength(1);
    await expectNoWords(h, String(job.id), 'كيف نساعدك');
    expect(logLines.some((line) => line.includes('outbound.dropped_erased') && line.includes(String(job.id)))).toBe(false);
    expect((await t().app.store.messages.list(conversationId, { direction: 'outgoing' })).map((m) => m.activity['text'])).toEqual([reply]);
  });
});
