import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Activity, ResourceResponse, TurnContext } from 'botbuilder-core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelAdapter, type ChannelCapabilities } from '../../src/channels/channel-adapter.js';
import type { ChannelFactory } from '../../src/channels/channel-module.js';
import { DEFAULT_LOCALE } from '../../src/i18n/i18n.js';
import { channelQueueName } from '../../src/queues/channel-outbound.js';
import { enqueueOutbound, OUTBOUND_CONCURRENCY, OUTBOUND_JOB_OPTIONS } from '../../src/queues/outbound-queue.js';
import { REDIS_URL, useTestApp } from '../helpers/test-app.js';

/**
 * A platform whose sends can be held, as a pacer holds them while the platform's rate is spent: a
 * held send keeps its outbound worker slot until it is let go.
 */
class HeldPlatform extends ChannelAdapter {
  readonly capabilities: ChannelCapabilities = { maxActions: 3, maxActionTitle: 20, maxTextLength: 4000, typing: false };
  readonly sent: string[] = [];
  /** Sends waiting to be let go. */
  waiting = 0;
  private release: (() => void) | null = null;
  private gate: Promise<void> | null = null;
  private held: (text: string) => boolean = () => true;

  constructor(readonly channel: string) {
    super();
  }

  /** Holds the sends whose text matches (default: all) until {@link letGo}. */
  hold(match: (text: string) => boolean = () => true): void {
    this.held = match;
    this.gate = new Promise((resolve) => (this.release = resolve));
  }

  letGo(): void {
    this.release?.();
    this.gate = null;
  }

  override async sendActivities(_context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    if (this.gate && activities.some((activity) => this.held(String(activity.text ?? '')))) {
      this.waiting += 1;
      await this.gate;
      this.waiting -= 1;
    }
    return activities.map((activity) => {
      this.sent.push(String(activity.text ?? ''));
      return { id: `p-${this.sent.length}` };
    });
  }
}

const slow = new HeldPlatform('slow-platform');
const fast = new HeldPlatform('fast-platform');
const channelOf = (adapter: HeldPlatform): ChannelFactory => () => ({ adapter, start: async () => {}, stop: async () => {} });
const t = useTestApp({ channels: [channelOf(slow), channelOf(fast)] });

let redis: Redis;
beforeAll(async () => {
  redis = new Redis(REDIS_URL, { lazyConnect: true });
  await redis.connect();
});
afterAll(async () => {
  slow.letGo();
  await redis.quit();
});

async function conversationOn(platform: HeldPlatform): Promise<string> {
  return (await t().app.store.conversations.create({ channel: platform.channel, externalId: `x-${crypto.randomUUID()}` })).id;
}

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  for (const started = Date.now(); Date.now() - started < ms; await sleep(25)) if (await check()) return;
  throw new Error(`timed out waiting for ${what}`);
}

/** The job as BullMQ keeps it in Redis: a hash whose `data` field is the payload's JSON. */
async function rawJob(queueName: string, jobId: string): Promise<Record<string, string>> {
  return redis.hgetall(`${t().prefix}-bull:${queueName}:${jobId}`);
}

describe('one outbound queue per channel', () => {
  it('sends on one channel while every worker slot of another is held waiting for its platform', async () => {
    slow.hold();
    const slowTexts = Array.from({ length: OUTBOUND_CONCURRENCY + 4 }, (_, i) => `بطيء ${i}`);
    for (const text of slowTexts) {
      await enqueueOutbound(t().app.outbound, { conversationId: await conversationOn(slow), idempotencyKey: `slow-${crypto.randomUUID()}`, text });
    }
    await until(() => slow.waiting === OUTBOUND_CONCURRENCY, 'the slow channel to fill its slots');

    const fastTexts = ['سريع 1', 'سريع 2', 'سريع 3'];
    for (const text of fastTexts) {
      await enqueueOutbound(t().app.outbound, { conversationId: await conversationOn(fast), idempotencyKey: `fast-${crypto.randomUUID()}`, text });
    }
    await until(() => fastTexts.every((text) => fast.sent.includes(text)), 'the fast channel\'s messages');
    expect(slow.sent).toEqual([]);

    slow.letGo();
    await until(() => slowTexts.every((text) => slow.sent.includes(text)), 'the slow channel\'s messages');
    expect(slow.sent.filter((text) => slowTexts.includes(text))).toHaveLength(slowTexts.length);
  });

  it('sends a message queued in the shared queue before the channel queues existed (text in plain)', async () => {
    const conversationId = await conversationOn(fast);
    const key = `legacy-${conversationId}`;
    // What an earlier version wrote: the whole payload in plain, in the shared queue.
    await t().app.outbound.queue.add('send', { conversationId, idempotencyKey: key, text: 'رسالة من قبل الترقية', author: { kind: 'staff', staffId: 's1' }, automatic: false }, { ...OUTBOUND_JOB_OPTIONS, jobId: `out-${key}` });
    await until(() => fast.sent.includes('رسالة من قبل الترقية'), 'the message queued before the upgrade');
    await until(async () => (await t().app.channelOutbound.get(fast.channel)?.getJob(`out-${key}`))?.finishedOn !== undefined, 'the job to complete');
    // Once sent, neither queue keeps its words.
    for (const queueName of ['outbound', channelQueueName(fast.channel)]) {
      expect((await rawJob(queueName, `out-${key}`))['data']).not.toContain('رسالة من قبل الترقية');
    }
  });

  it('keeps the same idempotency key from going twice across the shared queue and the channel\'s', async () => {
    const conversationId = await conversationOn(fast);
    const payload = { conversationId, idempotencyKey: `twice-${conversationId}`, text: 'مرة واحدة فقط' };
    await enqueueOutbound(t().app.outbound, payload);
    await until(() => fast.sent.includes(payload.text), 'the message');
    await enqueueOutbound(t().app.outbound, payload);
    await sleep(500);
    expect(fast.sent.filter((text) => text === payload.text)).toHaveLength(1);
  });
});

describe('queued messages sealed in Redis', () => {
  it('keeps a staff reply and its parameters out of Redis in plain while queued, and still delivers it', async () => {
    const conversationId = await conversationOn(fast);
    const key = `sealed-${conversationId}`;
    const reply = 'موعدك مع الباحثة الاجتماعية يوم الأحد';
    const job = await enqueueOutbound(t().app.outbound, { conversationId, idempotencyKey: key, text: reply, author: { kind: 'staff', staffId: 'staff-7' } }, { delayMs: 60_000 });

    const queued = await rawJob('outbound', String(job.id));
    expect(queued['data']).toBeDefined();
    expect(queued['data']).not.toContain(reply);
    expect(queued['data']).not.toContain('الأحد');
    // The queue still sees whose message it is (ordering, erasure), not what it says.
    expect(JSON.parse(queued['data'] ?? '{}')).toMatchObject({ conversationId, idempotencyKey: key, sealed: expect.stringMatching(/^v2\./) });

    await job.promote();
    await until(() => fast.sent.includes(reply), 'the sealed reply');
  });

  it('seals a notification\'s locale key and parameters too, and renders them when it is sent', async () => {
    const conversationId = await conversationOn(slow);
    const params = { reference: '4827-5396', status: 'rejected' };
    slow.hold();
    try {
      const job = await enqueueOutbound(t().app.outbound, { conversationId, idempotencyKey: `params-${conversationId}`, key: 'status.changed', params, automatic: true });
      // Moved to the slow channel's queue and held at the platform: still sealed there.
      await until(async () => (await rawJob(channelQueueName(slow.channel), String(job.id)))['data'] !== undefined, 'the job in the channel queue');
      const held = (await rawJob(channelQueueName(slow.channel), String(job.id)))['data'] ?? '';
      for (const plain of ['4827-5396', 'rejected', 'status.changed']) expect(held).not.toContain(plain);
    } finally {
      slow.letGo();
    }
    const expected = t().app.i18n.t(DEFAULT_LOCALE, 'status.changed', params);
    expect(expected).toContain('4827-5396');
    await until(() => slow.sent.includes(expected), 'the rendered notification');
  });
});

describe('erasure and the channel queues', () => {
  it('removes a message that waits in its channel\'s queue, so it is never sent after the beneficiary erased their data', async () => {
    // Every slot of the slow channel held by other beneficiaries' messages: the next one waits in its queue.
    slow.hold((text) => text.startsWith('قبلك'));
    try {
      for (let i = 0; i < OUTBOUND_CONCURRENCY; i += 1) {
        await enqueueOutbound(t().app.outbound, { conversationId: await conversationOn(slow), idempotencyKey: `ahead-${crypto.randomUUID()}`, text: `قبلك ${i}` });
      }
      await until(() => slow.waiting === OUTBOUND_CONCURRENCY, 'the slots to fill');

      const conversation = await t().app.store.conversations.create({ channel: slow.channel, externalId: `erase-${crypto.randomUUID()}` });
      const say = (text: string) => t().app.runner.receive(conversation, { type: 'message', text, from: { id: conversation.externalId, name: '' } });
      await say('السلام عليكم');
      const contactId = (await t().app.store.conversations.get(conversation.id))?.contactId;
      if (!contactId) throw new Error('no contact behind the conversation');
      await t().app.store.contacts.update(contactId, { consent: { version: '2026-11-v1', at: new Date(), channel: slow.channel } });

      const job = await enqueueOutbound(t().app.outbound, { conversationId: conversation.id, idempotencyKey: `waiting-${conversation.id}`, text: 'موعدك مع الباحث يوم الأحد' });
      const channelQueue = t().app.channelOutbound.get(slow.channel);
      await until(async () => (await channelQueue?.getJob(String(job.id)))?.data !== undefined, 'the message in the channel queue');
      expect(await (await channelQueue?.getJob(String(job.id)))?.getState()).toBe('waiting');

      await say('احذف بياناتي');
      await say('نعم');
      expect(slow.sent.join('\n')).toContain('تم حذف بياناتك');
      expect(await channelQueue?.getJob(String(job.id))).toBeUndefined();
    } finally {
      slow.letGo();
    }
    await until(() => slow.sent.filter((text) => text.startsWith('قبلك')).length === OUTBOUND_CONCURRENCY, 'the other beneficiaries\' messages');
    await sleep(300);
    expect(slow.sent).not.toContain('موعدك مع الباحث يوم الأحد');
  });
});
