import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SURVEY_FOLLOW_UP_STATES } from '../store/record-values.js';
import type { StaffUserRecord, Store, SurveyFollowUp, SurveyResponseRecord } from '../store/types.js';
import { pageQuery } from './admin-routes.js';
import type { StaffApiDependencies } from './staff-api.js';
import { badRequest, notFound, StaffApiError } from './staff-api-error.js';
import { parseBody, requireStaff } from './staff-auth.js';

/** Months of the report when none are asked for: the current one and the five before it. */
export const DEFAULT_REPORT_MONTHS = 6;
/** The longest period one report covers. */
export const MAX_REPORT_MONTHS = 24;
/** Surveys read from the store per round trip while a report is counted. */
const REPORT_CHUNK = 1000;
/** Riyadh is UTC+3 all year (no daylight saving), so its months start at a fixed offset from UTC. */
const RIYADH_OFFSET_MS = 3 * 60 * 60 * 1000;
/** The milestones a survey follows, by the prefix of its `milestone` (`handoff:<id>`…). */
export const MILESTONE_KINDS = ['handoff', 'decision', 'service'] as const;
type MilestoneKind = (typeof MILESTONE_KINDS)[number];

const month = z.string().regex(/^20\d{2}-(0[1-9]|1[0-2])$/, { message: 'expected a month as YYYY-MM (e.g. 2025-03)' });
export const reportQuery = z.object({ from: month.optional(), to: month.optional() }).strict();
export const followUpsQuery = pageQuery.extend({ state: z.enum(SURVEY_FOLLOW_UP_STATES).default('open') }).strict();
export const followUpDoneBody = z.object({ note: z.string().trim().min(1).max(2000) }).strict();

/**
 * How one group of surveys went: how many were sent and answered, the share answered (0..1, two
 * decimals), the average rating (one decimal; null when nobody answered) and how many gave each
 * rating from 1 to 5.
 */
export type SatisfactionStats = {
  sent: number;
  answered: number;
  responseRate: number;
  average: number | null;
  distribution: [number, number, number, number, number];
};

export type SatisfactionReport = {
  from: string;
  to: string;
  overall: SatisfactionStats;
  byMonth: Array<{ month: string } & SatisfactionStats>;
  byChannel: Array<{ channel: string } & SatisfactionStats>;
  byStaff: Array<{ staffId: string | null; displayName: string | null } & SatisfactionStats>;
  byMilestone: Array<{ milestone: MilestoneKind } & SatisfactionStats>;
};

/**
 * The satisfaction report and the supervisors' follow-ups of low ratings (officers and admins):
 *
 * - `GET /staff/api/reports/satisfaction?from=YYYY-MM&to=YYYY-MM`: figures per month (Asia/Riyadh),
 *   channel, staff member and milestone — counts only, never a comment or a contact.
 * - `GET /staff/api/followups?state=open|done`: the low ratings a supervisor should follow up, with
 *   the beneficiary's comment; each list view is audited.
 * - `POST /staff/api/surveys/:id/follow-up` `{note}`: closes an open follow-up (409 when it is done).
 */
export async function reportRoutes(app: FastifyInstance, deps: StaffApiDependencies): Promise<void> {
  const { store } = deps;
  const supervisors = { preHandler: requireStaff(deps, 'officer', 'admin') };

  app.get('/staff/api/reports/satisfaction', supervisors, async (request) => {
    const { from, to } = reportRange(parseBody(reportQuery, request.query), new Date());
    const report = await satisfactionReport(store, from, to);
    await audit(deps, request, 'report.satisfaction_viewed', 'report', 'satisfaction', { from: report.from, to: report.to });
    return report;
  });

  app.get('/staff/api/followups', supervisors, async (request, reply) => {
    const query = parseBody(followUpsQuery, request.query);
    const [surveys, total] = await Promise.all([
      store.surveys.list({ followUp: query.state, limit: query.limit, offset: query.offset }),
      store.surveys.count({ followUp: query.state }),
    ]);
    const items = await followUpViews(store, surveys);
    // The comments are the beneficiary's own words: the view is audited, ids only, and never cached.
    await audit(deps, request, 'survey.followups_viewed', 'survey', 'followups', { state: query.state, surveyIds: items.map((i) => i.surveyId) });
    reply.header('cache-control', 'no-store');
    return { items, total, state: query.state, limit: query.limit, offset: query.offset };
  });

  app.post<{ Params: { id: string } }>('/staff/api/surveys/:id/follow-up', supervisors, async (request, reply) => {
    const { note } = parseBody(followUpDoneBody, request.body);
    const staff = request.staff as StaffUserRecord;
    const survey = await store.surveys.get(request.params.id);
    if (!survey?.followUp) throw notFound('follow-up');
    if (survey.followUp.state === 'done') {
      throw new StaffApiError(409, 'AlreadyDone', `This follow-up was closed already (at ${survey.followUp.doneAt?.toISOString() ?? 'an unknown time'}).`);
    }
    // Read then write: two supervisors closing the same follow-up at the same moment both succeed
    // and the later note stays. Rare enough among a handful of supervisors; both closings are audited.
    const updated = await store.surveys.update(survey.id, { followUp: { ...survey.followUp, state: 'done', doneBy: staff.id, doneAt: new Date(), note } });
    await audit(deps, request, 'survey.followup_done', 'survey', survey.id, { rating: survey.rating });
    await deps.events.publish({ type: 'survey.followup_done', id: survey.id });
    const [view] = await followUpViews(store, [updated]);
    reply.header('cache-control', 'no-store');
    return view;
  });
}

/** The months asked for, or the defaults: `to` the current Riyadh month, `from` five months before `to`. */
export function reportRange(query: z.infer<typeof reportQuery>, now: Date): { from: number; to: number } {
  const to = query.to ? monthIndex(query.to) : riyadhMonth(now);
  const from = query.from ? monthIndex(query.from) : to - (DEFAULT_REPORT_MONTHS - 1);
  if (from > to) throw badRequest(`from: ${monthText(from)} is after to (${monthText(to)})`);
  if (to - from + 1 > MAX_REPORT_MONTHS) throw badRequest(`from: a report covers at most ${MAX_REPORT_MONTHS} months (asked ${monthText(from)} to ${monthText(to)})`);
  return { from, to };
}

/**
 * Counts the surveys sent from the start of month `from` to the end of month `to` (month indexes,
 * Asia/Riyadh). Every survey of the period is read, REPORT_CHUNK at a time, and counted here: the
 * association sends a few thousand surveys a year, so even 24 months is a handful of round trips.
 * Should that grow by orders of magnitude, move the counting into the store (a GROUP BY in SQLite,
 * an aggregation pipeline in MongoDB) behind a `SurveyRepository.summary(filter)` with this shape.
 */
export async function satisfactionReport(store: Store, from: number, to: number): Promise<SatisfactionReport> {
  const overall = tally();
  const months = new Map<number, Tally>();
  for (let m = from; m <= to; m += 1) months.set(m, tally());
  const channels = new Map<string, Tally>();
  const staff = new Map<string | null, Tally>();
  const milestones = new Map<MilestoneKind, Tally>(MILESTONE_KINDS.map((kind) => [kind, tally()]));

  for await (const survey of surveysSent(store, monthStart(from), monthStart(to + 1))) {
    const inMonth = months.get(riyadhMonth(survey.sentAt));
    if (!inMonth) continue;
    count(overall, survey);
    count(inMonth, survey);
    count(group(channels, survey.channel), survey);
    count(group(staff, survey.staffId), survey);
    const kind = milestoneKind(survey.milestone);
    if (kind) count(group(milestones, kind), survey);
  }

  const names = await staffNames(store, [...staff.keys()]);
  const busiestFirst = <K>(a: [K, Tally], b: [K, Tally]) => b[1].sent - a[1].sent;
  return {
    from: monthText(from),
    to: monthText(to),
    overall: stats(overall),
    byMonth: [...months].map(([m, t]) => ({ month: monthText(m), ...stats(t) })),
    byChannel: [...channels].sort((a, b) => busiestFirst(a, b) || a[0].localeCompare(b[0])).map(([channel, t]) => ({ channel, ...stats(t) })),
    // Surveys nobody was responsible for (the bot's own milestones) come last.
    byStaff: [...staff]
      .sort((a, b) => Number(a[0] === null) - Number(b[0] === null) || busiestFirst(a, b))
      .map(([staffId, t]) => ({ staffId, displayName: staffId === null ? null : (names.get(staffId) ?? null), ...stats(t) })),
    byMilestone: [...milestones].map(([milestone, t]) => ({ milestone, ...stats(t) })),
  };
}

/**
 * Every survey sent in [since, until), newest first. A survey sent while paging shifts the pages
 * by one and would come back twice; the ids seen make sure each is counted once.
 */
async function* surveysSent(store: Store, since: Date, until: Date): AsyncGenerator<SurveyResponseRecord> {
  const seen = new Set<string>();
  for (let offset = 0; ; offset += REPORT_CHUNK) {
    const page = await store.surveys.list({ since, until, limit: REPORT_CHUNK, offset });
    for (const survey of page) {
      if (seen.has(survey.id)) continue;
      seen.add(survey.id);
      yield survey;
    }
    if (page.length < REPORT_CHUNK) return;
  }
}

type Tally = { sent: number; answered: number; sum: number; distribution: [number, number, number, number, number] };

const tally = (): Tally => ({ sent: 0, answered: 0, sum: 0, distribution: [0, 0, 0, 0, 0] });

function group<K>(groups: Map<K, Tally>, key: K): Tally {
  let found = groups.get(key);
  if (!found) groups.set(key, (found = tally()));
  return found;
}

/** A survey counts as answered once it has a rating; the comment is optional and never counted. */
function count(t: Tally, survey: SurveyResponseRecord): void {
  t.sent += 1;
  const rating = survey.rating;
  if (rating === null || !Number.isInteger(rating) || rating < 1 || rating > 5) return;
  t.answered += 1;
  t.sum += rating;
  t.distribution[rating - 1] = (t.distribution[rating - 1] ?? 0) + 1;
}

function stats(t: Tally): SatisfactionStats {
  return {
    sent: t.sent,
    answered: t.answered,
    responseRate: t.sent === 0 ? 0 : round(t.answered / t.sent, 2),
    average: t.answered === 0 ? null : round(t.sum / t.answered, 1),
    distribution: [...t.distribution],
  };
}

const round = (value: number, decimals: number) => Math.round(value * 10 ** decimals) / 10 ** decimals;

function milestoneKind(milestone: string): MilestoneKind | null {
  const prefix = milestone.split(':', 1)[0];
  return MILESTONE_KINDS.find((kind) => kind === prefix) ?? null;
}

// ---------------------------------------------------------------- months (Asia/Riyadh)

/** Months as one number (year × 12 + month − 1), so ranges are plain arithmetic. */
function monthIndex(text: string): number {
  const [year, month] = text.split('-').map(Number) as [number, number];
  return year * 12 + month - 1;
}

function monthText(index: number): string {
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The Riyadh month an instant falls in. */
function riyadhMonth(at: Date): number {
  const local = new Date(at.getTime() + RIYADH_OFFSET_MS);
  return local.getUTCFullYear() * 12 + local.getUTCMonth();
}

/** The instant a Riyadh month begins (midnight on the 1st in Riyadh). */
function monthStart(index: number): Date {
  return new Date(Date.UTC(Math.floor(index / 12), index % 12, 1) - RIYADH_OFFSET_MS);
}

// ---------------------------------------------------------------- follow-ups

type WithFollowUp = SurveyResponseRecord & { followUp: SurveyFollowUp };

/** Follow-ups as the console lists them, with the names of the staff member rated and of who closed it. */
async function followUpViews(store: Store, surveys: readonly SurveyResponseRecord[]) {
  const withFollowUp = surveys.filter((s): s is WithFollowUp => s.followUp !== null);
  const names = await staffNames(store, withFollowUp.flatMap((s) => [s.staffId, s.followUp.doneBy]));
  return withFollowUp.map((s) => ({
    surveyId: s.id,
    rating: s.rating,
    comment: s.comment,
    milestone: s.milestone,
    channel: s.channel,
    staffId: s.staffId,
    staffName: s.staffId === null ? null : (names.get(s.staffId) ?? null),
    sentAt: s.sentAt,
    answeredAt: s.answeredAt,
    conversationId: s.conversationId,
    followUp: s.followUp,
    doneByName: s.followUp.doneBy === null ? null : (names.get(s.followUp.doneBy) ?? null),
  }));
}

/** Display names by staff id; an id whose account is gone maps to null. */
async function staffNames(store: Store, ids: ReadonlyArray<string | null>): Promise<Map<string, string | null>> {
  const unique = [...new Set(ids.filter((id): id is string => id !== null))];
  const accounts = await Promise.all(unique.map((id) => store.staff.get(id)));
  return new Map(unique.map((id, i) => [id, accounts[i]?.displayName ?? null]));
}

async function audit(deps: StaffApiDependencies, request: FastifyRequest, action: string, subjectType: string, subjectId: string, details: Record<string, unknown>): Promise<void> {
  await deps.store.audit.record({ actor: `staff:${(request.staff as StaffUserRecord).id}`, action, subjectType, subjectId, details });
}
