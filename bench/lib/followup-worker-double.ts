import type { Worker } from 'bullmq';
import type { TurnContext } from 'botbuilder-core';
import type { Redis } from 'ioredis';
import type { ConversationBot } from '../../src/bot/conversation-bot.js';
import type { TurnData } from '../../src/bot/turn-data.js';
import { createFollowupWorker } from '../../src/followups/followup-worker.js';
import type { FollowUps } from '../../src/followups/followups.js';
import type { I18n } from '../../src/i18n/i18n.js';
import type { Logger } from '../../src/logging/logger.js';
import { riyadhDay, type BookingCalendar } from '../../src/services/booking-calendar.js';
import type { BookingRecord, Store } from '../../src/store/types.js';
import type { TurnRunner } from '../../src/turn/turn-runner.js';

/**
 * The project's follow-up worker (`createFollowupWorker`: job schema, opt-out and hold checks, the
 * booking checks and formatting, its logging, its concurrency and retry handling) with the turn
 * around it replaced at its seams: the runner hands every job a fresh conversation the bot owns
 * (no turn lock, no store read), the store knows every booking as confirmed for tomorrow, and the
 * bot's `initiate` — where the reminder would be rendered and sent — only counts. So the figure is
 * the scheduling machinery's, not the channel's or the store's.
 */
export function startFollowupWorkerDouble(options: {
  connection: Redis;
  prefix: string;
  followUps: FollowUps;
  logger: Logger;
  onSent: () => void;
  /** Jobs at once, as `FOLLOWUP_CONCURRENCY` gives the app's worker. */
  concurrency: number;
}): Worker {
  const tomorrow = riyadhDay(Date.now() + 24 * 3600_000);
  const booking = (id: string): BookingRecord => ({
    id,
    reference: '2345-6789',
    contactId: null,
    conversationId: `conversation-${id}`,
    channel: 'webchat',
    kind: 'interview',
    day: tomorrow,
    window: '0900-1100',
    status: 'confirmed',
    phone: null,
    staffNote: null,
    createdAt: new Date(),
    updatedAt: new Date(),
  });
  // Partial doubles: only what a booking reminder touches. The casts are the seam, not a shortcut
  // around a type: anything else the worker reached for would fail loudly.
  const store = {
    bookings: { get: async (id: string) => booking(id) },
    handoffs: { findOpenByConversation: async () => null },
  } as unknown as Store;
  const runner = {
    proactive: async <T>(conversationId: string, send: (context: TurnContext, turn: TurnData) => Promise<T>): Promise<T> => {
      const turn = {
        turnId: `bench-${conversationId}`,
        conversation: { id: conversationId, channel: 'webchat', locale: 'ar' },
        contact: null,
        state: { locale: 'ar' },
        status: 'bot',
        log: options.logger,
      } as unknown as TurnData;
      return send({} as TurnContext, turn);
    },
  } as unknown as TurnRunner;
  const bot = {
    initiate: async () => {
      options.onSent();
    },
  } as unknown as ConversationBot;
  const calendar = { windows: [], capacity: 10, holidays: new Set<string>() } as unknown as BookingCalendar;
  return createFollowupWorker({
    connection: options.connection,
    prefix: options.prefix,
    store,
    runner,
    bot,
    flows: new Map(),
    followUps: options.followUps,
    i18n: {} as I18n,
    calendar,
    quietHours: null,
    logger: options.logger,
    concurrency: options.concurrency,
  });
}
