import crypto from 'node:crypto';
import type { Activity, ConversationReference, ResourceResponse } from 'botbuilder-core';
import { TurnContext } from '../channels/botbuilder.js';
import { z } from 'zod';
import type { ChannelAdapter } from '../channels/channel-adapter.js';
import { initialState, type EngineState } from '../flows/engine-types.js';
import type { ConversationBot } from '../bot/conversation-bot.js';
import { setTurnData, type TurnData } from '../bot/turn-data.js';
import { AppError } from '../errors/app-error.js';
import { DEFAULT_LOCALE, type I18n } from '../i18n/i18n.js';
import type { Logger } from '../logging/logger.js';
import type { RateLimiter, RateLimitRule } from '../security/rate-limit.js';
import type { ConversationRecord, MessageAuthor, MessageDelivery, MessageRecord, Store } from '../store/types.js';
import { LockTimeoutError } from '../errors/lock-timeout-error.js';
import { RedisUnavailableError } from '../errors/redis-unavailable-error.js';
import type { TurnLock } from './turn-lock.js';

export type TurnRunnerDependencies = {
  store: Store;
  lock: TurnLock;
  bot: ConversationBot;
  i18n: I18n;
  logger: Logger;
  /**
   * Told after a turn's state is saved, with the record before and after (follow-ups schedule or
   * cancel an application's reminders from it). A failure here is logged; the turn stands.
   */
  onSaved?: (before: ConversationRecord, after: ConversationRecord) => Promise<void>;
  /**
   * Messages per conversation per window, on every channel. Past the limit the bot says once per
   * window (`limits.slow_down`) that it got too many at once, and those messages stay in the
   * transcript without running. Absent: no limit.
   */
  messageLimit?: {
    limiter: RateLimiter;
    rule: RateLimitRule;
    /** Messages that are always read, however many came before (severe distress); not counted. */
    exempt?: (activity: Partial<Activity>) => boolean;
  };
};

/**
 * Where the verdict of the message limit travels with an incoming activity (`channelData`):
 * `notice` (the first refused in its window: say so) or `quiet` (refused after the notice).
 */
const FLOODED = 'flooded';
type Flooded = 'notice' | 'quiet';

const DRAIN_BATCH = 20;

/** Conversations whose turns may run after their messages were acknowledged, at most, per process. */
const MAX_UNAWAITED = 1000;

/**
 * Where an activity's own id travels past botbuilder, which drops `id` from everything a turn sends
 * (see `keepGivenIds`); taken off again before the channel sees the activity.
 */
const GIVEN_ID = 'activityId';

/**
 * An outgoing activity as written to the transcript: its seq there, the id it was sent under, and
 * whether the transcript already had it as sent (a replayed turn or a retried job).
 */
type Recorded = { seq: number; activityId: string; alreadySent: MessageDelivery | null };

/** Delivery states that mean the platform has taken the message: sending it again would duplicate it. */
const SENT_STATES: ReadonlySet<string> = new Set(['sent', 'delivered', 'read']);

/**
 * Runs turns in order. An inbound activity is first written to the conversation's transcript (which
 * gives it its place in line and drops a repeated delivery), then whoever holds the conversation's
 * lock runs every pending incoming message in transcript order. A turn's state is saved only when
 * the turn succeeds; a failing turn is apologized for and skipped, never retried forever.
 */
export class TurnRunner {
  private readonly adapters = new Map<string, ChannelAdapter>();
  /** Drains started by `drainSoon` and not finished yet. */
  private readonly inFlight = new Set<Promise<void>>();
  /** How many of them each conversation has. */
  private readonly draining = new Map<string, number>();

  constructor(private readonly deps: TurnRunnerDependencies) {}

  /** Makes a channel known and records every message it sends in the transcript. */
  register(adapter: ChannelAdapter): void {
    this.adapters.set(adapter.channel, adapter);
    adapter.use({ onTurn: (context, next) => this.recordOutgoing(context, next, adapter.transcriptIsWire) });
  }

  adapter(channel: string): ChannelAdapter | undefined {
    return this.adapters.get(channel);
  }

  /**
   * Records an inbound activity and waits until its turn has run (by this process or another).
   * Returns the transcript message; `duplicate` when the same delivery was seen before.
   *
   * A repeated delivery drains too: the first one may have been written and then died (a crash, a
   * timeout) before its turn ran, and the platform only redelivers because it got no answer. Drain
   * runs only messages past `processedSeq`, so a repeat of a handled message costs one read.
   */
  async receive(
    conversation: Pick<ConversationRecord, 'id' | 'channel'>,
    activity: Partial<Activity>,
    options: {
      dedupeKey?: string;
      refuseWhenUnavailable?: boolean;
      /**
       * false: return once the message is in the transcript and run its turn after (see
       * {@link TurnRunner.drainSoon}). For webhooks: the platform only needs to know the message is
       * safe, and a turn run while the platform waits holds its connection and its retries. Default true.
       */
      awaitTurn?: boolean;
    } = {},
  ): Promise<{ message: MessageRecord; duplicate: boolean }> {
    // Refused before anything is stored while Redis is away (`RedisUnavailableError`): the sender's
    // retry (a platform's redelivery, the page's resend) is then the only copy, answered once Redis
    // is back. A channel whose sender never retries stores the message, and its drain waits for Redis.
    if (options.refuseWhenUnavailable) this.deps.lock.assertAvailable?.();
    // Counted before the append, so the verdict is stored with the message: whoever drains it (this
    // process or another, now or after a restart) skips it the same way and in transcript order.
    const flooded = this.deps.messageLimit?.exempt?.(activity) ? null : await this.floodVerdict(conversation.id);
    const incoming: Partial<Activity> = {
      ...activity,
      id: activity.id ?? crypto.randomUUID(),
      timestamp: new Date(),
      channelId: conversation.channel,
      conversation: { id: conversation.id, isGroup: false, conversationType: 'personal', name: '' },
      ...(flooded ? { channelData: { ...(activity.channelData as Record<string, unknown> | undefined), [FLOODED]: flooded } } : {}),
    };
    const result = await this.deps.store.messages.append(conversation.id, {
      direction: 'incoming',
      author: { kind: 'beneficiary' },
      activity: incoming as Record<string, unknown>,
      dedupeKey: options.dedupeKey ?? null,
    });
    // Past MAX_UNAWAITED turns behind, the sender waits for this one: the platform then slows down
    // or retries, instead of this process piling up work (and memory) it cannot finish soon.
    if (options.awaitTurn === false && this.inFlight.size < MAX_UNAWAITED) {
      this.drainSoon(conversation.id);
      return result;
    }
    try {
      await this.drain(conversation.id);
    } catch (error) {
      // Stored, but its turn could not take the conversation's lock (Redis went away after the
      // append, or another process held the lock too long). The message is safe and the sweeper
      // runs it; refusing now would only make the sender send it again as a new message.
      if (!(error instanceof LockTimeoutError || error instanceof RedisUnavailableError)) throw error;
      this.deps.logger.warn({ err: error, event: 'turn.drain_deferred', conversationId: conversation.id }, 'stored a message whose turn must wait; the sweep will run it');
    }
    return result;
  }

  /**
   * Drains a conversation without waiting for it. A failure (Redis gone between the append and the
   * lock) is logged and left to {@link TurnRunner.sweep}: the message is in the transcript, past
   * `processedSeq`, so the next sweep or the conversation's next message runs it.
   */
  drainSoon(conversationId: string): void {
    this.draining.set(conversationId, (this.draining.get(conversationId) ?? 0) + 1);
    const run: Promise<void> = this.drain(conversationId)
      .catch((error: unknown) => {
        this.deps.logger.warn({ err: error, event: 'turn.drain_deferred', conversationId }, 'could not run a stored message now; the sweep will');
      })
      .finally(() => {
        this.inFlight.delete(run);
        const left = (this.draining.get(conversationId) ?? 1) - 1;
        if (left > 0) this.draining.set(conversationId, left);
        else this.draining.delete(conversationId);
      });
    this.inFlight.add(run);
  }

  /**
   * Runs the turns of messages that were stored but never ran: after a crash (acknowledged webhooks,
   * a web chat message cut off mid-turn) or a Redis outage. Each conversation drains under its lock,
   * so a sweep in every process, or one racing a live receive, runs each message once. Returns how
   * many conversations it drained.
   */
  async sweep(options: { updatedSince?: Date; storedBefore?: Date; limit?: number; stopped?: () => boolean } = {}): Promise<number> {
    // Only channels this process can answer on now: a WhatsApp Web message waits for the process
    // that holds the session, instead of failing here and being marked handled unanswered.
    const channels = [...this.adapters.values()].filter((adapter) => adapter.canSendHere()).map((adapter) => adapter.channel);
    const ids = await this.deps.store.conversations.listUnhandled({
      limit: options.limit ?? 500,
      channels,
      ...(options.updatedSince ? { updatedSince: options.updatedSince } : {}),
      ...(options.storedBefore ? { storedBefore: options.storedBefore } : {}),
    });
    let swept = 0;
    for (const id of ids) {
      if (options.stopped?.()) break;
      // Already on its way here: its drain runs it.
      if (this.draining.has(id)) continue;
      try {
        await this.drain(id);
        swept += 1;
      } catch (error) {
        this.deps.logger.warn({ err: error, event: 'turn.sweep_failed', conversationId: id }, 'could not run a stored message; the next sweep tries again');
      }
    }
    if (swept > 0) this.deps.logger.info({ event: 'turn.swept', conversations: swept }, 'ran messages stored without their turn');
    return swept;
  }

  /** Waits for the turns started by {@link TurnRunner.drainSoon}: on shutdown, before the store closes. */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Runs `work` holding the conversation's turn lock, so no turn, drain or proactive send of it runs
   * meanwhile (a beneficiary's erasure clears their other conversations this way: a turn in one of
   * them cannot save the state it loaded before the erasure over the erased one).
   */
  async exclusive<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    return this.deps.lock.run(`conv-${conversationId}`, work);
  }

  /** Runs every incoming message of the conversation not yet handled, oldest first. */
  async drain(conversationId: string): Promise<void> {
    await this.deps.lock.run(`conv-${conversationId}`, async () => {
      let current = await this.deps.store.conversations.get(conversationId);
      if (!current) return;
      // A turn here could not answer (the channel's session lives in another process, or is not
      // ready): its messages stay pending for the process that can, instead of failing and being
      // marked handled.
      if (this.adapters.get(current.channel)?.canSendHere() === false) return;
      for (;;) {
        const pending = await this.deps.store.messages.list(conversationId, {
          afterSeq: current.processedSeq,
          direction: 'incoming',
          limit: DRAIN_BATCH,
        });
        for (const message of pending) current = await this.runOne(current, message);
        // A short batch was everything: a message appended since then belongs to a receive that
        // is waiting for this lock and drains it itself. Only a full batch may have more behind it.
        if (pending.length < DRAIN_BATCH) return;
      }
    });
  }

  /**
   * Sends to a conversation outside a turn of the beneficiary's (a staff reply, a reminder), in line
   * with its turns. `send` gets a context whose sends are recorded like any reply. An activity sent
   * with its own `id` (the outbound queue uses the job id) is recorded under it, so sending it again
   * after a failed attempt sends it again but adds no second transcript message.
   */
  async proactive<T>(
    conversationId: string,
    send: (context: TurnContext, turn: TurnData) => Promise<T>,
    options: { saveState?: boolean } = {},
  ): Promise<T> {
    return this.deps.lock.run(`conv-${conversationId}`, async () => {
      const conversation = await this.deps.store.conversations.get(conversationId);
      if (!conversation) throw new Error(`conversation ${conversationId} not found`);
      const adapter = this.requireAdapter(conversation.channel);
      const turn = await this.loadTurn(conversation, undefined);
      const reference = (conversation.reference ?? {}) as Partial<ConversationReference>;
      let result: T | undefined;
      await adapter.continueConversation(
        { ...reference, channelId: conversation.channel, conversation: { id: conversation.id, isGroup: false, conversationType: 'personal', name: '' } },
        async (context) => {
          result = await send(context, turn);
        },
        (context) => setTurnData(context, turn),
      );
      // A bot-started flow (a survey) leaves engine state behind, saved like a turn's.
      if (options.saveState) {
        const saved = await this.deps.store.conversations.update(conversation.id, { state: turn.state, locale: turn.state.locale, status: turn.status });
        await this.afterSave(conversation, saved, turn);
      }
      return result as T;
    });
  }

  private async runOne(conversation: ConversationRecord, message: MessageRecord): Promise<ConversationRecord> {
    const adapter = this.requireAdapter(conversation.channel);
    const activity = message.activity as Partial<Activity>;
    const turn = await this.loadTurn(conversation, activity);
    const flooded = floodedMark(activity);
    if (flooded) {
      if (flooded === 'notice') {
        turn.log.info({ event: 'turn.flooded' }, 'too many messages at once; asked to slow down');
        await this.notify(adapter, activity, conversation, turn, 'limits.slow_down');
      }
      return this.deps.store.conversations.update(conversation.id, { processedSeq: message.seq });
    }
    try {
      await adapter.runTurn(activity, this.deps.bot.onTurn, (context) => setTurnData(context, turn));
      const reference = conversation.reference ?? TurnContext.getConversationReference(activity);
      const saved = await this.deps.store.conversations.update(conversation.id, {
        state: turn.state,
        locale: turn.state.locale,
        status: turn.status,
        contactId: turn.contact?.id ?? null,
        reference,
        processedSeq: message.seq,
      });
      await this.afterSave(conversation, saved, turn);
      return saved;
    } catch (error) {
      turn.log.error({ err: error, event: 'turn.failed' }, 'turn failed; state not saved');
      await this.notify(adapter, activity, conversation, turn, 'errors.turn_failed');
      return this.deps.store.conversations.update(conversation.id, { processedSeq: message.seq });
    }
  }

  private async afterSave(before: ConversationRecord, after: ConversationRecord, turn: TurnData): Promise<void> {
    if (!this.deps.onSaved) return;
    try {
      await this.deps.onSaved(before, after);
    } catch (error) {
      turn.log.error({ err: error, event: 'turn.after_save_failed' }, 'could not act on a saved turn');
    }
  }

  /** Says one thing in place of a turn (an apology, a request to slow down), in the conversation's language. */
  private async notify(adapter: ChannelAdapter, activity: Partial<Activity>, conversation: ConversationRecord, turn: TurnData, key: string): Promise<void> {
    const locale = conversation.locale ?? DEFAULT_LOCALE;
    try {
      await adapter.runTurn(
        activity,
        async (context) => {
          // Its own id: the failed turn may have sent `-r0` already, and a notice is not that reply.
          const id = typeof activity.id === 'string' ? { id: `${activity.id}-${key}` } : {};
          await context.sendActivity({ ...id, type: 'message', locale, text: this.deps.i18n.t(locale, key) });
        },
        (context) => setTurnData(context, { ...turn, state: stateOf(conversation) }),
      );
    } catch (error) {
      turn.log.error({ err: error, event: 'turn.notice_failed', key }, 'could not send a notice');
    }
  }

  /** Counts one message against the conversation's limit; null while within it. */
  private async floodVerdict(conversationId: string): Promise<Flooded | null> {
    const messageLimit = this.deps.messageLimit;
    if (!messageLimit || messageLimit.rule.limit <= 0) return null;
    const hit = await messageLimit.limiter.hit('messages', conversationId, messageLimit.rule);
    if (hit.allowed) return null;
    return hit.count === messageLimit.rule.limit + 1 ? 'notice' : 'quiet';
  }

  /** Loads what a turn needs; a first message from an address creates the contact behind it. */
  private async loadTurn(conversation: ConversationRecord, activity: Partial<Activity> | undefined): Promise<TurnData> {
    const turnId = crypto.randomUUID();
    const log = this.deps.logger.child({ turnId, channel: conversation.channel, conversationId: conversation.id });
    const { contacts } = this.deps.store;
    let contact = conversation.contactId ? await contacts.get(conversation.contactId) : null;
    const address = activity?.from?.id;
    if (!contact && address) {
      contact = await contacts.findByChannelAddress(conversation.channel, address);
      if (!contact) {
        contact = await contacts.create({ locale: conversation.locale, displayName: null });
        await contacts.linkChannel(contact.id, conversation.channel, address);
        log.info({ event: 'contact.created', contactId: contact.id }, 'new contact');
      }
    }
    return { turnId, conversation, contact, state: stateOf(conversation), status: conversation.status, log };
  }

  /**
   * Writes each outgoing activity to the transcript before the channel sends it (delivery `pending`),
   * then records what the channel said: `sent` with the platform's id for the message, or `failed`
   * with a short error code (and the error goes on to the caller, e.g. the outbound queue's retry).
   * Later reports (WhatsApp's delivered/read) move the state on through the store. On a channel
   * whose transcript is the wire (web chat) the message is written as `sent` at once.
   */
  private async recordOutgoing(context: TurnContext, next: () => Promise<void>, transcriptIsWire: boolean): Promise<void> {
    keepGivenIds(context);
    const replyId = replyIds(context.activity);
    context.onSendActivities(async (ctx, activities, send) => {
      const conversationId = ctx.activity.conversation?.id;
      const recorded: (Recorded | null)[] = [];
      for (const activity of activities) recorded.push(await this.writeOutgoing(conversationId, activity, replyId, transcriptIsWire));
      // Written as sent already: the channel only hands back the ids.
      if (!conversationId || transcriptIsWire) return send();
      // What the transcript has as sent already went out before a crash (or a stalled job's first
      // run): it is left out of this send, which is what makes a replay answer exactly once.
      const toSend = recorded.flatMap((entry, index) => (entry?.alreadySent ? [] : [{ entry, activity: activities[index] }]));
      const skipped = toSend.length < activities.length;
      if (skipped) activities.splice(0, activities.length, ...toSend.map(({ activity }) => activity as Partial<Activity>));
      let sentResponses: ResourceResponse[];
      try {
        sentResponses = toSend.length > 0 ? await send() : [];
      } catch (error) {
        const failed = failedDelivery(error);
        await this.markDelivery(conversationId, toSend.map(({ entry }) => entry), () => failed);
        throw error;
      }
      await this.markDelivery(conversationId, toSend.map(({ entry }) => entry), (entry, index) => sentDelivery(entry, sentResponses[index]));
      if (!skipped) return sentResponses;
      let nextSent = 0;
      return recorded.map((entry) => (entry?.alreadySent ? { id: entry.alreadySent.platformId ?? entry.activityId } : (sentResponses[nextSent++] ?? { id: '' })));
    });
    await next();
  }

  /**
   * Gives an outgoing activity its id, sender and time and appends it (typing indicators are not
   * transcript). Keyed `out:<id>`, so a retried send with the same id is the message already there.
   * A proactive send may name its author (`channelData.author`, e.g. the staff member replying); it
   * is recorded as such and taken off the activity, so staff ids never reach the channel.
   */
  private async writeOutgoing(
    conversationId: string | undefined,
    activity: Partial<Activity>,
    replyId: () => string,
    transcriptIsWire: boolean,
  ): Promise<Recorded | null> {
    const givenId = takeChannelData(activity, GIVEN_ID);
    if (activity.type === 'typing') return null;
    activity.id ??= typeof givenId === 'string' && givenId !== '' ? givenId : replyId();
    activity.timestamp ??= new Date();
    activity.from = { id: activity.from?.id ?? 'injab-bot', name: 'Injab', role: 'bot' };
    const author = takeAuthor(activity);
    if (!conversationId) return null;
    const { message, duplicate } = await this.deps.store.messages.append(conversationId, {
      direction: 'outgoing',
      author,
      activity: JSON.parse(JSON.stringify(activity)) as Record<string, unknown>,
      dedupeKey: `out:${activity.id}`,
      delivery: { state: transcriptIsWire ? 'sent' : 'pending', at: new Date(), platformId: null, error: null },
    });
    const alreadySent = duplicate && message.delivery && SENT_STATES.has(message.delivery.state) ? message.delivery : null;
    return { seq: message.seq, activityId: activity.id, alreadySent };
  }

  /**
   * Records the outcome of a send on each message written for it. A store failure here is logged,
   * not thrown: the message has gone (or failed) already, and throwing would make the outbound
   * queue send it again.
   */
  private async markDelivery(
    conversationId: string,
    recorded: readonly (Recorded | null)[],
    outcome: (entry: Recorded, index: number) => MessageDelivery,
  ): Promise<void> {
    for (const [index, entry] of recorded.entries()) {
      if (!entry) continue;
      const delivery = outcome(entry, index);
      try {
        await this.deps.store.messages.setDelivery(conversationId, entry.seq, delivery);
      } catch (error) {
        this.deps.logger.warn(
          { err: error, event: 'delivery.record_failed', conversationId, seq: entry.seq, state: delivery.state },
          'could not record a delivery state',
        );
      }
    }
  }

  private requireAdapter(channel: string): ChannelAdapter {
    const adapter = this.adapters.get(channel);
    if (!adapter) throw new Error(`no adapter registered for channel ${channel}`);
    return adapter;
  }
}

/**
 * Ids for what a turn sends without one of its own: `<incoming id>-r<n>`, the n-th message of the
 * reply. The same message run again (its turn was cut off by a crash before its state was saved,
 * and the platform delivered it again) numbers its replies the same way, so each is recognised in
 * the transcript (`out:<id>`) and not sent twice. Outside a turn (a proactive send, whose context
 * carries an old reference's id) every activity gets a fresh id.
 */
function replyIds(incoming: Partial<Activity>): () => string {
  const base = incoming.type === 'message' && typeof incoming.id === 'string' && incoming.id !== '' ? incoming.id : null;
  let next = 0;
  return () => (base === null ? crypto.randomUUID() : `${base}-r${next++}`);
}

/**
 * botbuilder's `TurnContext.sendActivities` deletes the `id` of every activity before the outbound
 * hooks see it (a channel assigns its own). An id the caller chose is what makes a retried send
 * recognisable, so this context moves it into channelData, where `writeOutgoing` takes it back.
 */
function keepGivenIds(context: TurnContext): void {
  const sendActivities = context.sendActivities.bind(context);
  context.sendActivities = (activities) =>
    sendActivities(
      activities.map((activity) =>
        activity.id ? { ...activity, channelData: { ...(activity.channelData as Record<string, unknown> | undefined), [GIVEN_ID]: activity.id } } : activity,
      ),
    );
}

/** Takes `key` off the activity's channelData (dropping channelData when nothing is left) and returns its value. */
function takeChannelData(activity: Partial<Activity>, key: string): unknown {
  const channelData = activity.channelData as Record<string, unknown> | undefined;
  if (!channelData || !(key in channelData)) return undefined;
  const { [key]: value, ...rest } = channelData;
  if (Object.keys(rest).length > 0) activity.channelData = rest;
  else delete activity.channelData;
  return value;
}

const outgoingAuthor = z.object({ kind: z.enum(['bot', 'staff', 'system']), staffId: z.string().min(1).optional() });

/** The author a send names in `channelData.author` (removed from the activity), or the bot. */
function takeAuthor(activity: Partial<Activity>): MessageAuthor {
  const parsed = outgoingAuthor.safeParse(takeChannelData(activity, 'author'));
  if (!parsed.success) return { kind: 'bot' };
  return parsed.data.staffId === undefined ? { kind: parsed.data.kind } : { kind: parsed.data.kind, staffId: parsed.data.staffId };
}

/**
 * `sent`, with the platform's id for the message when the channel gave one: a response id that is
 * empty or just echoes the activity id (web chat, whose transcript is the wire) is no platform id.
 */
function sentDelivery(entry: Recorded, response: ResourceResponse | undefined): MessageDelivery {
  const id = response?.id;
  const platformId = typeof id === 'string' && id !== '' && id !== entry.activityId ? id : null;
  return { state: 'sent', at: new Date(), platformId, error: null };
}

function failedDelivery(error: unknown): MessageDelivery {
  return { state: 'failed', at: new Date(), platformId: null, error: deliveryErrorCode(error) };
}

/**
 * What the transcript keeps of a failed send: the error's stable code and, when it has one, the
 * HTTP status (`TELEGRAM_SEND_FAILED 403`). Never the message, which may quote the text or a number.
 */
export function deliveryErrorCode(error: unknown): string {
  const code = error instanceof AppError ? error.code : 'SEND_FAILED';
  const status = typeof error === 'object' && error !== null && 'status' in error ? error.status : undefined;
  return typeof status === 'number' ? `${code} ${status}` : code;
}

function floodedMark(activity: Partial<Activity>): Flooded | null {
  const mark = (activity.channelData as Record<string, unknown> | undefined)?.[FLOODED];
  return mark === 'notice' || mark === 'quiet' ? mark : null;
}

function stateOf(conversation: ConversationRecord): EngineState {
  const state = conversation.state as EngineState | null;
  return state && state.v === 1 ? structuredClone(state) : { ...initialState(), locale: conversation.locale };
}
