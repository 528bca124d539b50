import { z } from 'zod';

/** The BullMQ queue of everything the bot sends on its own initiative: surveys and reminders. */
export const FOLLOWUPS_QUEUE = 'followups';

/**
 * Follow-ups worked on at once per worker process, by default (`FOLLOWUP_CONCURRENCY`). A job
 * mostly waits — on Redis, the turn lock, the store, the channel's pacing — so a slot costs little;
 * what it holds is a conversation's turn lock while it waits. With 4 slots a burst (every interview
 * of a day is reminded at 10:00 the day before) went one Redis round trip per slot at a time; with
 * 32 the worker is bound by its CPU instead (benchmark 4).
 */
export const FOLLOWUP_CONCURRENCY = 32;

/** What a survey follows: a conversation with a person, a decision on a request, a service delivered. */
export const MILESTONES = ['handoff', 'decision', 'service'] as const;
export type Milestone = (typeof MILESTONES)[number];

/** What a reminder is about: an application left unfinished, documents still missing, a booking tomorrow. */
export const REMINDER_TOPICS = ['application', 'documents', 'booking'] as const;
export type ReminderTopic = (typeof REMINDER_TOPICS)[number];

const id = z.string().min(1).max(100);

export const surveyJob = z.object({
  kind: z.literal('survey'),
  milestone: z.enum(MILESTONES),
  /** The handoff or request the survey follows. */
  subjectId: id,
  conversationId: id,
  /** The staff member responsible (the researcher who handled it), recorded with the survey. */
  staffId: id.nullable(),
});

export const reminderJob = z.object({
  kind: z.literal('reminder'),
  topic: z.enum(REMINDER_TOPICS),
  /** The conversation (application), request (documents) or booking the reminder is about. */
  subjectId: id,
  conversationId: id,
  /** Which of `REMINDER_DELAYS_MS` this is (0, 1, …); a booking has only slot 0. */
  slot: z.number().int().min(0).max(20),
});

export const followupJob = z.discriminatedUnion('kind', [surveyJob, reminderJob]);
export type SurveyJob = z.infer<typeof surveyJob>;
export type ReminderJob = z.infer<typeof reminderJob>;
export type FollowupJob = z.infer<typeof followupJob>;

/** Ids may hold only what BullMQ allows in a job id (no `:`). */
const safe = (value: string) => value.replace(/[^A-Za-z0-9_-]/g, '_');

/** One survey per milestone: the same id is never queued twice. */
export function surveyJobId(milestone: Milestone, subjectId: string): string {
  return `survey-${milestone}-${safe(subjectId)}`;
}

/** One reminder per subject and slot. */
export function reminderJobId(topic: ReminderTopic, subjectId: string, slot: number): string {
  return `remind-${topic}-${safe(subjectId)}-${slot}`;
}
