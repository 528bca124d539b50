import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { enqueueOutbound } from '../../src/queues/outbound-queue.js';
import { LocalTurnLock } from '../../src/turn/turn-lock.js';
import { DirectLineClient, type WireActivity } from '../helpers/directline-client.js';
import { useTestApp } from '../helpers/test-app.js';

const t = useTestApp();

async function waitForBot(dl: DirectLineClient, predicate: (a: WireActivity) => boolean): Promise<WireActivity[]> {
  for (let i = 0; i < 100; i += 1) {
    const res = await dl.get('0');
    const { activities } = (await res.json()) as { activities: WireActivity[] };
    if (activities.some(predicate)) return activities;
    await sleep(50);
  }
  throw new Error('the queued message never arrived');
}

describe('the outbound queue', () => {
  it('delivers a queued message to the beneficiary\'s conversation in their language', async () => {
    const dl = await DirectLineClient.start(t().url);
    await dl.say('hello');
    await enqueueOutbound(t().app.outbound, { conversationId: dl.conversationId, idempotencyKey: 'welcome-back-1', key: 'handoff.waiting' });
    const activities = await waitForBot(dl, (a) => a.text?.includes('social researcher will reply') ?? false);
    expect(activities.at(-1)?.locale).toBe('en');
  });

  it('sends a message with the same idempotency key only once', async () => {
    const dl = await DirectLineClient.start(t().url);
    await dl.say('السلام عليكم');
    const payload = { conversationId: dl.conversationId, idempotencyKey: `reply-${dl.conversationId.slice(0, 8)}`, text: 'رد الباحثة الاجتماعية' };
    await enqueueOutbound(t().app.outbound, payload);
    await enqueueOutbound(t().app.outbound, payload);
    await waitForBot(dl, (a) => a.text === payload.text);
    await sleep(300);
    const { activities } = (await (await dl.get('0')).json()) as { activities: WireActivity[] };
    expect(activities.filter((a) => a.text === payload.text)).toHaveLength(1);
  });

  it('tells the staff console when a message could not be delivered after its last attempt', async () => {
    const heard: string[] = [];
    const stop = t().app.events.subscribe((event) => {
      if (event.type === 'outbound.failed') heard.push(event.conversationId ?? '');
    });
    try {
      await enqueueOutbound(t().app.outbound, { conversationId: 'no-such-conversation', idempotencyKey: `lost-${Date.now()}`, text: 'hello' }, { attempts: 1 });
      for (let i = 0; i < 100 && heard.length === 0; i += 1) await sleep(50);
      expect(heard).toEqual(['no-such-conversation']);
    } finally {
      stop();
    }
  });

  it('keeps each conversation\'s messages in the order they were queued while sending to several conversations at once', async () => {
    const visitors = await Promise.all([0, 1, 2].map(async (n) => {
      const dl = await DirectLineClient.start(t().url, `visitor-order-${n}`);
      await dl.say('السلام عليكم');
      return dl;
    }));
    for (let i = 1; i <= 6; i += 1) {
      for (const dl of visitors) {
        await enqueueOutbound(t().app.outbound, { conversationId: dl.conversationId, idempotencyKey: `order-${dl.conversationId.slice(0, 8)}-${i}`, text: `رسالة رقم ${i}` });
      }
    }
    for (const dl of visitors) {
      const activities = await waitForBot(dl, (a) => a.text === 'رسالة رقم 6');
      const numbered = activities.map((a) => a.text ?? '').filter((text) => text.startsWith('رسالة رقم'));
      expect(numbered).toEqual([1, 2, 3, 4, 5, 6].map((i) => `رسالة رقم ${i}`));
    }
  });

  it('refuses a job id with a colon before it reaches Redis', async () => {
    await expect(enqueueOutbound(t().app.outbound, { conversationId: 'x', idempotencyKey: 'a:b', text: 'hi' })).rejects.toThrow();
  });
});

describe('LocalTurnLock (orders the outbound worker\'s jobs per conversation)', () => {
  it('runs one key\'s tasks in the order given, even when an earlier one is slower or fails, and other keys alongside', async () => {
    const chain = new LocalTurnLock();
    const log: string[] = [];
    const task = (name: string, ms: number, fail = false) => async () => {
      await sleep(ms);
      log.push(name);
      if (fail) throw new Error(name);
    };
    const results = await Promise.allSettled([
      chain.run('a', task('a1', 40, true)),
      chain.run('a', task('a2', 1)),
      chain.run('b', task('b1', 10)),
      chain.run('a', task('a3', 1)),
    ]);
    expect(log).toEqual(['b1', 'a1', 'a2', 'a3']);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
  });
});
