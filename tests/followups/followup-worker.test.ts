import { setTimeout as sleep } from 'node:timers/promises';
import type { TurnContext } from 'botbuilder-core';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationBot } from '../../src/bot/conversation-bot.js';
import type { TurnData } from '../../src/bot/turn-data.js';
import { FOLLOWUP_CONCURRENCY, reminderJobId } from '../../src/followups/followup-jobs.js';
import { createFollowupWorker } from '../../src/followups/followup-worker.js';
import { createFollowupsQueue, FollowUps } from '../../src/followups/followups.js';
import type { I18n } from '../../src/i18n/i18n.js';
import { createLogger } from '../../src/logging/logger.js';
import { riyadhDay, type BookingCalendar } from '../../src/services/booking-calendar.js';
import { removePendingJobs } from '../../src/queues/jobs-of-conversations.js';
import type { BookingRecord, Store } from '../../src/store/types.js';
import type { TurnRunner } from '../../src/turn/turn-runner.js';
import { clearRedisPrefix, REDIS_URL } from '../helpers/test-app.js';

/**
 * How many follow-ups the worker takes at once: reminders of different conversations go side by
 * side, up to its concurrency (`FOLLOWUP_CONCURRENCY`), so a burst due at one instant (every
 * interview of a day is reminded at 10:00 the day before) does not wait one Redis round trip per
 * reminder. The turn is replaced at its seams; each proactive turn holds its slot for a moment and
 * the test counts how many were inside at once.
 */
const logger = createLogger({ level: 'silent' });
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A follow-ups queue under a prefix of its own (removed after the test), and a booking two days ahead. */
function followUpsOnRedis(name: string) {
  const prefix = `test-${name}-${process.pid}-${Date.now()}`;
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = createFollowupsQueue(connection, prefix);
  cleanups.push(async () => {
    await queue.close();
    connection.disconnect();
    await clearRedisPrefix(prefix);
  });
  const followUps = new FollowUps(queue, { surveyDelayMs: 3_600_000, reminderDelaysMs: [86_400_000], logger, isDraft: () => false });
  const day = riyadhDay(Date.now() + 2 * 24 * 3600_000);
  const booking = (id: string, conversationId = `conversation-${id}`): BookingRecord => ({
    id, reference: '2345-6789', contactId: null, conversationId, channel: 'webchat', kind: 'interview', day, window: '0900-1100',
    status: 'confirmed', phone: null, staffNote: null, createdAt: new Date(), updatedAt: new Date(),
  });
  return { prefix, connection, queue, followUps, booking };
}

async function burst(reminders: number, concurrency: number | undefined): Promise<{ sent: number; mostAtOnce: number; workerConcurrency: number }> {
  const { prefix, connection, followUps, booking } = followUpsOnRedis('followup-worker');
  const store = { bookings: { get: async (id: string) => booking(id) }, handoffs: { findOpenByConversation: async () => null } } as unknown as Store;
  let inside = 0;
  let mostAtOnce = 0;
  let sent = 0;
  const runner = {
    proactive: async <T>(conversationId: string, send: (context: TurnContext, turn: TurnData) => Promise<T>): Promise<T> => {
      inside += 1;
      mostAtOnce = Math.max(mostAtOnce, inside);
      try {
        await sleep(150);
        const turn = { conversation: { id: conversationId, channel: 'webchat', locale: 'en' }, contact: null, state: { locale: 'en' }, status: 'bot', log: logger } as unknown as TurnData;
        return await send({ turnState: new Map() } as unknown as TurnContext, turn);
      } finally {
        inside -= 1;
      }
    },
  } as unknown as TurnRunner;
  const bot = { initiate: async () => void (sent += 1) } as unknown as ConversationBot;
  const worker = createFollowupWorker({
    connection,
    prefix,
    store,
    runner,
    bot,
    flows: new Map(),
    followUps,
    i18n: {} as I18n,
    calendar: { windows: [], capacity: 4, holidays: new Set<string>(), daysAhead: 6 } as unknown as BookingCalendar,
    quietHours: null,
    logger,
    ...(concurrency === undefined ? {} : { concurrency }),
  });
  cleanups.push(() => worker.close());
  const at = Date.now() + 200;
  for (let i = 0; i < reminders; i += 1) await followUps.bookingReminder(`booking-${i}`, `conversation-${i}`, at);
  for (const start = Date.now(); sent < reminders && Date.now() - start < 10_000; ) await sleep(20);
  return { sent, mostAtOnce, workerConcurrency: worker.concurrency };
}

describe('the follow-up worker', () => {
  it('sends the reminders of several conversations due at one instant side by side', async () => {
    const { sent, mostAtOnce, workerConcurrency } = await burst(6, undefined);
    expect(workerConcurrency).toBe(FOLLOWUP_CONCURRENCY);
    expect(sent).toBe(6);
    expect(mostAtOnce).toBe(6);
  });

  it('takes no more at once than the concurrency it is given (FOLLOWUP_CONCURRENCY)', async () => {
    const { sent, mostAtOnce } = await burst(6, 2);
    expect(sent).toBe(6);
    expect(mostAtOnce).toBe(2);
  });
});

describe('the follow-up worker and an erasure', () => {
  it('drops a reminder that was running while the beneficiary erased their data and came back later, and sends one scheduled after', async () => {
    const conversationId = 'conversation-erased';
    const redis = followUpsOnRedis('followup-erased');
    const { prefix, connection, queue, followUps } = redis;
    const booking = (id: string) => redis.booking(id, conversationId);
    // The conversation as the store has it: a person owns it at first, so the first run is deferred.
    let erasedAt: Date | null = null;
    let withPerson = true;
    const store = {
      bookings: { get: async (id: string) => booking(id) },
      handoffs: { findOpenByConversation: async () => (withPerson ? { id: 'handoff-1' } : null) },
    } as unknown as Store;
    const runs: string[] = [];
    let cancelledDuringRun = -1;
    const runner = {
      proactive: async <T>(id: string, send: (context: TurnContext, turn: TurnData) => Promise<T>): Promise<T> => {
        const conversation = { id, channel: 'webchat', locale: 'en', erasedAt };
        const turn = { conversation, contact: null, state: { locale: 'en' }, status: 'human', log: logger } as unknown as TurnData;
        if (runs.push(id) === 1) {
          // The beneficiary erases their data while this job runs: the conversation is marked, and the
          // queued jobs are cancelled — not this one, which is locked.
          erasedAt = new Date();
          cancelledDuringRun = await removePendingJobs(queue, new Set([conversationId]));
        } else withPerson = false;
        return send({ turnState: new Map() } as unknown as TurnContext, turn);
      },
    } as unknown as TurnRunner;
    const sent: string[] = [];
    const bot = { initiate: async (_context: TurnContext, start: { notice?: { params?: { reference?: string } } }) => void sent.push(start.notice?.params?.reference ?? '') } as unknown as ConversationBot;
    const worker = createFollowupWorker({
      connection, prefix, store, runner, bot, flows: new Map(), followUps, i18n: {} as I18n,
      calendar: { windows: [], capacity: 4, holidays: new Set<string>(), daysAhead: 6 } as unknown as BookingCalendar,
      quietHours: null, logger,
    });
    cleanups.push(() => worker.close());
    // A finished reminder leaves the queue at once: what it came to is heard from the worker.
    const outcomes = new Map<string, unknown>();
    worker.on('completed', (job, result) => outcomes.set(String(job.id), result));

    await followUps.bookingReminder('booking-before', conversationId, Date.now() + 100);
    const before = reminderJobId('booking', 'booking-before', 0);
    // Deferred (a person owned the conversation) after the erasure had looked for queued jobs: it waits on.
    const deferred = async () => runs.length === 1 && (await (await queue.getJob(before))?.getState()) === 'delayed';
    for (const start = Date.now(); !(await deferred()) && Date.now() - start < 10_000; ) await sleep(20);
    expect(cancelledDuringRun).toBe(0);
    expect(await (await queue.getJob(before))?.getState()).toBe('delayed');

    // Its time comes: it is dropped, not sent.
    await (await queue.getJob(before))?.promote();
    for (const start = Date.now(); !outcomes.has(before) && Date.now() - start < 10_000; ) await sleep(20);
    expect(outcomes.get(before)).toBe('dropped: erased');
    expect(sent).toEqual([]);

    // A booking made after the erasure is reminded of as usual.
    await followUps.bookingReminder('booking-after', conversationId, Date.now() + 100);
    const after = reminderJobId('booking', 'booking-after', 0);
    for (const start = Date.now(); !outcomes.has(after) && Date.now() - start < 10_000; ) await sleep(20);
    expect(outcomes.get(after)).toBe('sent');
    expect(sent).toEqual(['2345-6789']);
    expect(runs).toHaveLength(3);
  });
});
