import { DelayedError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { TurnContext } from 'botbuilder-core';
import type { ConversationBot } from '../bot/conversation-bot.js';
import type { TurnData } from '../bot/turn-data.js';
import type { QuietHours } from '../config/config.js';
import type { FlowSet } from '../flows/schema.js';
import type { Logger } from '../logging/logger.js';
import { checklistOf, REQUIRED_DOCUMENTS } from '../requests/documents.js';
import { DEFAULT_LOCALE, type I18n } from '../i18n/i18n.js';
import type { Store } from '../store/types.js';
import { queuedBeforeErasure } from '../queues/jobs-of-conversations.js';
import { sendInBulk } from '../channels/send-lane.js';
import type { TurnRunner } from '../turn/turn-runner.js';
import { FOLLOWUP_CONCURRENCY, FOLLOWUPS_QUEUE, followupJob, type ReminderJob, type SurveyJob } from './followup-jobs.js';
import type { FollowUps } from './followups.js';
import { holdFor } from './hold.js';
import { formatDay, formatWindow, riyadhDay, type BookingCalendar } from '../services/booking-calendar.js';

/** Someone who wrote this recently is in the middle of something: a survey or reminder waits. */
export const BUSY_WINDOW_MS = 30 * 60_000;
/** An unanswered survey younger than this keeps a new one from being sent (one open survey at a time). */
export const OPEN_SURVEY_MS = 7 * 24 * 3600_000;

export type FollowupWorkerDependencies = {
  connection: ConnectionOptions;
  prefix: string;
  store: Store;
  runner: TurnRunner;
  bot: ConversationBot;
  flows: FlowSet;
  followUps: FollowUps;
  i18n: I18n;
  calendar: BookingCalendar;
  quietHours: QuietHours | null;
  logger: Logger;
  /** Jobs worked on at once in this process; default {@link FOLLOWUP_CONCURRENCY}. */
  concurrency?: number;
  now?: () => number;
  /** A survey was sent (the staff console counts it). */
  onSurveySent?: (survey: { id: string; conversationId: string }) => Promise<void>;
};

/** What a job decided: sent, dropped (no longer makes sense) or deferred until `untilMs`. */
type Outcome = { kind: 'sent' } | { kind: 'dropped'; reason: string } | { kind: 'deferred'; reason: string; untilMs: number };

/**
 * Runs surveys and reminders when they are due. Every check happens at run time, inside the
 * conversation's turn lock, so it sees the conversation as it is now: a beneficiary who opted out,
 * a conversation a person owns (or one waiting for a person), quiet hours and Friday prayer, someone
 * typing right now — each defers or drops the job; a deferred job goes back to the delayed set with
 * its attempts untouched. Nothing is decided at scheduling time that could be stale by then. A job
 * queued before its conversation was erased is dropped (erasure cancels the queued ones, but not one
 * running at that moment, which may then be deferred or retried).
 */
export function createFollowupWorker(deps: FollowupWorkerDependencies): Worker {
  const log = deps.logger.child({ queue: FOLLOWUPS_QUEUE });
  const now = deps.now ?? Date.now;

  const run = async (job: Job, token: string | undefined): Promise<string> => {
    const data = followupJob.parse(job.data);
    const outcome = await deps.runner.proactive(
      data.conversationId,
      async (context, turn) => {
        // Queued before the beneficiary erased their data, and running (so not cancelled) or deferred
        // or retried since: never sent. Deferring and retrying keep the job's creation time.
        if (queuedBeforeErasure(job.timestamp, turn.conversation)) return { kind: 'dropped', reason: 'erased' } satisfies Outcome;
        // Surveys and reminders wait behind replies to people talking now.
        sendInBulk(context);
        const blocked = await gate(data, turn);
        if (blocked) return blocked;
        return data.kind === 'survey' ? sendSurvey(data, context, turn) : sendReminder(data, context, turn);
      },
      { saveState: true },
    );
    const fields = { event: `followup.${outcome.kind}`, jobId: job.id, kind: data.kind, conversationId: data.conversationId };
    if (outcome.kind === 'deferred') {
      log.info({ ...fields, reason: outcome.reason, untilMs: outcome.untilMs }, 'follow-up deferred');
      // Redis keeps real time; the bot's clock may be moved in tests, so defer by the difference.
      await job.moveToDelayed(Date.now() + Math.max(1000, outcome.untilMs - now()), token);
      throw new DelayedError();
    }
    log.info(outcome.kind === 'dropped' ? { ...fields, reason: outcome.reason } : fields, `follow-up ${outcome.kind}`);
    return outcome.kind === 'dropped' ? `dropped: ${outcome.reason}` : 'sent';
  };

  /** Why the job cannot go now, if it cannot: opted out, a person in charge, quiet hours. */
  const gate = async (data: SurveyJob | ReminderJob, turn: TurnData): Promise<Outcome | null> => {
    const preferences = turn.contact?.preferences;
    if (data.kind === 'survey' && preferences?.surveys === false) return { kind: 'dropped', reason: 'opted_out' };
    if (data.kind === 'reminder' && preferences?.reminders === false) return { kind: 'dropped', reason: 'opted_out' };
    const hold = await holdFor(turn, { store: deps.store, quietHours: deps.quietHours, now });
    return hold ? { kind: 'deferred', reason: hold.reason, untilMs: hold.untilMs } : null;
  };

  /** In the middle of answering questions right now (a menu on screen is not "the middle" of anything). */
  const busy = (turn: TurnData): boolean => {
    const { frame, seenAt } = turn.state;
    if (!frame || deps.flows.get(frame.flow)?.passthrough) return false;
    return seenAt !== undefined && now() - seenAt < BUSY_WINDOW_MS;
  };

  const sendSurvey = async (data: SurveyJob, context: TurnContext, turn: TurnData): Promise<Outcome> => {
    const milestone = `${data.milestone}:${data.subjectId}`;
    const contactId = turn.contact?.id ?? null;
    if (contactId) {
      const earlier = await deps.store.surveys.list({ contactId, limit: 50 });
      if (earlier.some((s) => s.milestone === milestone)) return { kind: 'dropped', reason: 'already_surveyed' };
      const open = earlier.find((s) => s.answeredAt === null && now() - s.sentAt.getTime() < OPEN_SURVEY_MS);
      if (open) return { kind: 'dropped', reason: 'survey_open' };
    }
    if (busy(turn)) return { kind: 'deferred', reason: 'busy', untilMs: now() + BUSY_WINDOW_MS };
    const survey = await deps.store.surveys.create({
      contactId,
      conversationId: turn.conversation.id,
      milestone,
      channel: turn.conversation.channel,
      staffId: data.staffId,
      rating: null,
      comment: null,
      sentAt: new Date(now()),
      answeredAt: null,
      followUp: null,
    });
    await deps.bot.initiate(context, { start: { flow: 'survey', data: { survey_id: survey.id, milestone: data.milestone } } });
    await deps.onSurveySent?.({ id: survey.id, conversationId: survey.conversationId });
    return { kind: 'sent' };
  };

  const sendReminder = async (data: ReminderJob, context: TurnContext, turn: TurnData): Promise<Outcome> => {
    switch (data.topic) {
      case 'application': {
        const frame = turn.state.frame;
        const draft = frame ? deps.flows.get(frame.flow)?.draft === true : false;
        if (!frame || !draft) return { kind: 'dropped', reason: 'no_draft' };
        // Counted from when they last wrote: someone who came back meanwhile is reminded later.
        const due = (turn.state.seenAt ?? 0) + (deps.followUps.delay(data.slot) ?? 0);
        if (due > now()) return { kind: 'deferred', reason: 'active_since', untilMs: due };
        await deps.bot.initiate(context, { notice: { key: 'reminders.application' }, then: 'reprompt' });
        await deps.followUps.remind('application', data.subjectId, data.conversationId, data.slot + 1, turn.state.seenAt);
        return { kind: 'sent' };
      }
      case 'documents': {
        const request = await deps.store.supportRequests.get(data.subjectId);
        if (!request || request.documentsCompletedAt || !['submitted', 'under_review', 'needs_documents'].includes(request.status)) {
          return { kind: 'dropped', reason: 'nothing_missing' };
        }
        const checklist = checklistOf(request);
        const missing = REQUIRED_DOCUMENTS.filter((kind) => !checklist[kind]);
        if (missing.length === 0) return { kind: 'dropped', reason: 'nothing_missing' };
        if (busy(turn)) return { kind: 'deferred', reason: 'busy', untilMs: now() + BUSY_WINDOW_MS };
        const locale = turn.state.locale ?? turn.conversation.locale ?? DEFAULT_LOCALE;
        const names = missing.map((kind) => `• ${deps.i18n.t(locale, `documents.kinds.${kind}`)}`).join('\n');
        await deps.bot.initiate(context, { notice: { key: 'reminders.documents', params: { reference: request.reference, missing: names, count: missing.length } }, then: 'reprompt' });
        await deps.followUps.remind('documents', data.subjectId, data.conversationId, data.slot + 1);
        return { kind: 'sent' };
      }
      case 'booking': {
        const booking = await deps.store.bookings.get(data.subjectId);
        if (!booking || (booking.status !== 'requested' && booking.status !== 'confirmed')) return { kind: 'dropped', reason: 'booking_not_active' };
        if (booking.day < riyadhDay(now())) return { kind: 'dropped', reason: 'booking_past' };
        const locale = turn.state.locale ?? turn.conversation.locale ?? DEFAULT_LOCALE;
        const window = deps.calendar.windows.find((w) => w.id === booking.window);
        const params = { reference: booking.reference, kind: booking.kind, day: formatDay(booking.day, locale), window: window ? formatWindow(window, locale) : booking.window };
        await deps.bot.initiate(context, { notice: { key: 'reminders.booking', params }, then: 'reprompt' });
        return { kind: 'sent' };
      }
    }
  };

  const worker = new Worker(FOLLOWUPS_QUEUE, run, { connection: deps.connection, prefix: deps.prefix, concurrency: deps.concurrency ?? FOLLOWUP_CONCURRENCY });
  worker.on('failed', (job, error) => log.warn({ event: 'followup.failed', jobId: job?.id, attempts: job?.attemptsMade, err: error }, 'follow-up failed'));
  worker.on('error', (error) => log.error({ event: 'followup.worker_error', err: error }, 'follow-up worker error'));
  return worker;
}
