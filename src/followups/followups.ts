import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { EngineState } from '../flows/engine-types.js';
import type { Logger } from '../logging/logger.js';
import type { ConversationRecord } from '../store/types.js';
import { removePendingJobs } from '../queues/jobs-of-conversations.js';
import {
  FOLLOWUPS_QUEUE,
  reminderJob,
  reminderJobId,
  surveyJob,
  surveyJobId,
  type Milestone,
  type ReminderJob,
  type ReminderTopic,
} from './followup-jobs.js';

/** A booking's reminder goes at 10:00 (Riyadh) the day before: midnight of the day minus 14 hours. */
export const DAY_BEFORE_REMINDER_MS = 14 * 3600_000;

/** Finished jobs kept: surveys a month (their ids stop a second survey for one milestone), failures a month. */
const SURVEY_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 30_000 },
  removeOnComplete: { age: 30 * 24 * 3600, count: 50_000 },
  removeOnFail: { age: 30 * 24 * 3600 },
};
/** A finished reminder's id is freed at once, so the next application of the same chat gets its own. */
const REMINDER_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 30_000 },
  removeOnComplete: true,
  removeOnFail: { age: 30 * 24 * 3600 },
};

export function createFollowupsQueue(connection: ConnectionOptions, prefix: string): Queue {
  return new Queue(FOLLOWUPS_QUEUE, { connection, prefix });
}

/**
 * Schedules what the bot sends on its own: satisfaction surveys after milestones and reminders.
 * Everything is a delayed BullMQ job with a deterministic id, so scheduling twice is harmless and a
 * restart loses nothing (the jobs live in Redis). Whether a job still makes sense — the application
 * finished, the beneficiary opted out, a person owns the conversation — is decided when it runs
 * (see `followup-worker.ts`); cancelling here only saves that work.
 */
export class FollowUps {
  constructor(
    private readonly queue: Queue,
    private readonly options: {
      surveyDelayMs: number;
      reminderDelaysMs: readonly number[];
      logger: Logger;
      /** Whether a flow collects a draft (an application), whose abandonment is reminded of. */
      isDraft: (flowId: string) => boolean;
      now?: () => number;
    },
  ) {}

  /** How long after the beneficiary last wrote reminder `slot` is due; undefined past the last one. */
  delay(slot: number): number | undefined {
    return this.options.reminderDelaysMs[slot];
  }

  /**
   * After every saved turn: an application that has just begun gets its first reminder, one that
   * is no longer in progress (submitted, cancelled, replaced, handed to a person) loses them. An
   * application kept aside during a survey is still in progress.
   */
  async conversationSaved(before: ConversationRecord, after: ConversationRecord): Promise<void> {
    const was = this.draftOf(before.state);
    const is = this.draftOf(after.state);
    if (is && !was) await this.applicationStarted(after.id);
    else if (was && !is) await this.applicationEnded(after.id);
  }

  private draftOf(state: unknown): string | null {
    const engine = state as Partial<EngineState> | null;
    for (const frame of [engine?.frame, engine?.suspended]) {
      if (frame && this.options.isDraft(frame.flow)) return frame.flow;
    }
    return null;
  }

  /** A survey `SURVEY_DELAY_MS` after a milestone; the second call for the same milestone does nothing. */
  async surveyAfter(milestone: Milestone, subjectId: string, conversationId: string, staffId: string | null): Promise<void> {
    const data = surveyJob.parse({ kind: 'survey', milestone, subjectId, conversationId, staffId });
    await this.queue.add('survey', data, { ...SURVEY_OPTIONS, jobId: surveyJobId(milestone, subjectId), delay: this.options.surveyDelayMs });
    this.options.logger.info({ event: 'followup.survey_scheduled', milestone, subjectId, conversationId }, 'survey scheduled');
  }

  /** The first reminder of an application just started in a conversation. */
  async applicationStarted(conversationId: string): Promise<void> {
    await this.remind('application', conversationId, conversationId, 0);
  }

  /** The application was submitted, cancelled or handed to a person: its reminders are dropped. */
  async applicationEnded(conversationId: string): Promise<void> {
    await this.cancel('application', conversationId);
  }

  /** A submitted request still lacks documents: the first reminder listing them. */
  async documentsMissing(requestId: string, conversationId: string): Promise<void> {
    await this.remind('documents', requestId, conversationId, 0);
  }

  async documentsComplete(requestId: string): Promise<void> {
    await this.cancel('documents', requestId);
  }

  /** A reminder at `at` (epoch ms) about a booking (an interview or a callback); none when `at` has passed. */
  async bookingReminder(bookingId: string, conversationId: string, at: number): Promise<void> {
    if (at <= this.now()) return;
    await this.cancel('booking', bookingId);
    const delay = at - this.now();
    await this.add(reminderJob.parse({ kind: 'reminder', topic: 'booking', subjectId: bookingId, conversationId, slot: 0 }), delay);
  }

  async bookingCancelled(bookingId: string): Promise<void> {
    await this.cancel('booking', bookingId);
  }

  /**
   * Queues the reminder of `slot`, due `REMINDER_DELAYS_MS[slot]` after `fromMs` (default now); none
   * past the last slot. The worker calls this to chain the next one.
   */
  async remind(topic: Exclude<ReminderTopic, 'booking'>, subjectId: string, conversationId: string, slot: number, fromMs = this.now()): Promise<boolean> {
    const delayMs = this.options.reminderDelaysMs[slot];
    if (delayMs === undefined) return false;
    const data = reminderJob.parse({ kind: 'reminder', topic, subjectId, conversationId, slot });
    await this.add(data, Math.max(0, fromMs + delayMs - this.now()));
    return true;
  }

  private async add(data: ReminderJob, delay: number): Promise<void> {
    await this.queue.add('reminder', data, { ...REMINDER_OPTIONS, jobId: reminderJobId(data.topic, data.subjectId, data.slot), delay });
    this.options.logger.info({ event: 'followup.reminder_scheduled', topic: data.topic, slot: data.slot, conversationId: data.conversationId, delayMs: delay }, 'reminder scheduled');
  }

  /** Removes every pending reminder slot of a subject (a job running right now re-checks by itself). */
  private async cancel(topic: ReminderTopic, subjectId: string): Promise<void> {
    const slots = topic === 'booking' ? 1 : Math.max(1, this.options.reminderDelaysMs.length);
    let removed = 0;
    for (let slot = 0; slot < slots; slot += 1) {
      removed += await this.queue.remove(reminderJobId(topic, subjectId, slot)).catch(() => 0);
    }
    if (removed > 0) this.options.logger.info({ event: 'followup.reminders_cancelled', topic, subjectId, removed }, 'reminders cancelled');
  }

  /**
   * Removes every survey and reminder not yet sent for these conversations (their contact's data was
   * erased); returns how many. Matched by the conversation the job names, as a survey after a handoff
   * is named by the handoff. A job running right now re-checks by itself (consent is gone).
   */
  async cancelConversations(conversationIds: ReadonlySet<string>): Promise<number> {
    const removed = await removePendingJobs(this.queue, conversationIds);
    if (removed > 0) this.options.logger.info({ event: 'followup.cancelled_for_erasure', removed }, 'follow-ups cancelled');
    return removed;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
