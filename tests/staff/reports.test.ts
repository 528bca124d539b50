import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { StaffEvent } from '../../src/staff/staff-events.js';
import type { StaffRole, SurveyFollowUp, SurveyResponseRecord } from '../../src/store/types.js';
import { staffClient } from '../helpers/staff-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * The satisfaction report (figures per Riyadh month, channel, staff member and milestone; never a
 * comment) and the supervisors' follow-ups of low ratings, for officers and admins only, audited.
 */
const t = useTestApp();

type Account = { id: string; cookie: string };
type Stats = { sent: number; answered: number; responseRate: number; average: number | null; distribution: number[] };
type Report = {
  from: string;
  to: string;
  overall: Stats;
  byMonth: Array<{ month: string } & Stats>;
  byChannel: Array<{ channel: string } & Stats>;
  byStaff: Array<{ staffId: string | null; displayName: string | null } & Stats>;
  byMilestone: Array<{ milestone: string } & Stats>;
};
type FollowUpItem = {
  surveyId: string;
  rating: number | null;
  comment: string | null;
  milestone: string;
  channel: string;
  staffId: string | null;
  staffName: string | null;
  sentAt: string;
  answeredAt: string | null;
  conversationId: string;
  followUp: { state: string; openedAt: string; doneBy: string | null; doneAt: string | null; note: string | null };
  doneByName: string | null;
};

const staff = staffClient(t);
const account = (role: StaffRole, displayName: string = role): Promise<Account> => staff.account(role, { displayName });
const get = (cookie: string, path: string) => staff.api(`/staff/api${path}`, cookie);
const post = (cookie: string, path: string, body: unknown) => staff.api(`/staff/api${path}`, cookie, { method: 'POST', body });

let counter = 0;
/** A survey as the worker would have stored it; answered an hour after it was sent when rated. */
async function survey(fields: { sentAt: string; channel?: string; staffId?: string | null; rating?: number | null; comment?: string | null; milestone?: string; followUp?: SurveyFollowUp | null }): Promise<SurveyResponseRecord> {
  counter += 1;
  const sentAt = new Date(fields.sentAt);
  const rating = fields.rating ?? null;
  return t().app.store.surveys.create({
    contactId: `contact-${counter}`,
    conversationId: `conversation-${counter}`,
    milestone: fields.milestone ?? `handoff:h${counter}`,
    channel: fields.channel ?? 'webchat',
    staffId: fields.staffId ?? null,
    rating,
    comment: fields.comment ?? null,
    sentAt,
    answeredAt: rating === null ? null : new Date(sentAt.getTime() + 60 * 60 * 1000),
    followUp: fields.followUp ?? null,
  });
}

const open = (openedAt: string): SurveyFollowUp => ({ state: 'open', openedAt: new Date(openedAt), doneBy: null, doneAt: null, note: null });

describe('GET /staff/api/reports/satisfaction', () => {
  let officer: Account;
  let sara: Account;
  let khalid: Account;
  const contactIds: string[] = [];

  beforeAll(async () => {
    officer = await account('officer', 'المشرفة');
    sara = await account('researcher', 'سارة');
    khalid = await account('researcher', 'خالد');
    const made = [
      // January 2025 in Riyadh; the first is midnight on the 1st there, still 31 December in UTC.
      await survey({ sentAt: '2024-12-31T21:00:00Z', channel: 'webchat', staffId: null, rating: 3, milestone: 'decision:r1' }),
      await survey({ sentAt: '2025-01-05T09:00:00Z', channel: 'webchat', staffId: sara.id, rating: 5, milestone: 'handoff:h1' }),
      await survey({ sentAt: '2025-01-10T09:00:00Z', channel: 'webchat', staffId: sara.id, rating: 4, milestone: 'decision:r2' }),
      await survey({ sentAt: '2025-01-15T09:00:00Z', channel: 'telegram', staffId: khalid.id, rating: 2, milestone: 'handoff:h2', comment: 'تعليق سري من المستفيد' }),
      await survey({ sentAt: '2025-01-20T09:00:00Z', channel: 'telegram', staffId: khalid.id, rating: null, milestone: 'service:r3' }),
      // February 2025 in Riyadh: 22:00 UTC on 31 January is 01:00 on 1 February there.
      await survey({ sentAt: '2025-01-31T22:00:00Z', channel: 'telegram', staffId: sara.id, rating: 1, milestone: 'handoff:h3' }),
      await survey({ sentAt: '2025-02-10T09:00:00Z', channel: 'webchat', staffId: khalid.id, rating: 5, milestone: 'service:r4' }),
      await survey({ sentAt: '2025-02-20T09:00:00Z', channel: 'webchat', staffId: khalid.id, rating: null, milestone: 'handoff:h4' }),
      // Outside the period in Riyadh: 23:00 on 31 December 2024, and midnight on 1 March 2025.
      await survey({ sentAt: '2024-12-31T20:00:00Z', channel: 'webchat', staffId: sara.id, rating: 1, milestone: 'handoff:h5' }),
      await survey({ sentAt: '2025-02-28T21:00:00Z', channel: 'telegram', staffId: sara.id, rating: 5, milestone: 'handoff:h6' }),
    ];
    contactIds.push(...made.map((s) => s.contactId ?? ''));
  });

  it('counts sent, answered, response rate, average and distribution per Riyadh month, channel, staff member and milestone', async () => {
    const res = await get(officer.cookie, '/reports/satisfaction?from=2025-01&to=2025-02');
    expect(res.status).toBe(200);
    const report = (await res.json()) as Report;
    expect(report.from).toBe('2025-01');
    expect(report.to).toBe('2025-02');
    expect(report.overall).toEqual({ sent: 8, answered: 6, responseRate: 0.75, average: 3.3, distribution: [1, 1, 1, 1, 2] });
    expect(report.byMonth).toEqual([
      { month: '2025-01', sent: 5, answered: 4, responseRate: 0.8, average: 3.5, distribution: [0, 1, 1, 1, 1] },
      { month: '2025-02', sent: 3, answered: 2, responseRate: 0.67, average: 3, distribution: [1, 0, 0, 0, 1] },
    ]);
    expect(report.byChannel).toEqual([
      { channel: 'webchat', sent: 5, answered: 4, responseRate: 0.8, average: 4.3, distribution: [0, 0, 1, 1, 2] },
      { channel: 'telegram', sent: 3, answered: 2, responseRate: 0.67, average: 1.5, distribution: [1, 1, 0, 0, 0] },
    ]);
    expect(report.byStaff).toEqual([
      { staffId: khalid.id, displayName: 'خالد', sent: 4, answered: 2, responseRate: 0.5, average: 3.5, distribution: [0, 1, 0, 0, 1] },
      { staffId: sara.id, displayName: 'سارة', sent: 3, answered: 3, responseRate: 1, average: 3.3, distribution: [1, 0, 0, 1, 1] },
      { staffId: null, displayName: null, sent: 1, answered: 1, responseRate: 1, average: 3, distribution: [0, 0, 1, 0, 0] },
    ]);
    expect(report.byMilestone).toEqual([
      { milestone: 'handoff', sent: 4, answered: 3, responseRate: 0.75, average: 2.7, distribution: [1, 1, 0, 0, 1] },
      { milestone: 'decision', sent: 2, answered: 2, responseRate: 1, average: 3.5, distribution: [0, 0, 1, 1, 0] },
      { milestone: 'service', sent: 2, answered: 1, responseRate: 0.5, average: 5, distribution: [0, 0, 0, 0, 1] },
    ]);
  });

  it('never carries a comment or a contact, and audits the view with the months only', async () => {
    const res = await get(officer.cookie, '/reports/satisfaction?from=2025-01&to=2025-02');
    const raw = await res.text();
    expect(raw).not.toContain('تعليق سري');
    for (const id of contactIds) expect(raw).not.toContain(id);
    expect(raw).not.toContain('conversation-');
    const audited = await t().app.store.audit.list({ subjectType: 'report', subjectId: 'satisfaction', actor: `staff:${officer.id}` });
    expect(audited[0]).toMatchObject({ action: 'report.satisfaction_viewed', details: { from: '2025-01', to: '2025-02' } });
  });

  it('shows empty months as zeros with no average, and one month on its own', async () => {
    const report = (await (await get(officer.cookie, '/reports/satisfaction?from=2024-11&to=2024-11')).json()) as Report;
    expect(report.byMonth).toEqual([{ month: '2024-11', sent: 0, answered: 0, responseRate: 0, average: null, distribution: [0, 0, 0, 0, 0] }]);
    expect(report.byChannel).toEqual([]);
    expect(report.byMilestone.map((m) => m.sent)).toEqual([0, 0, 0]);
  });

  it('defaults to the last six months up to the current one in Riyadh', async () => {
    const admin = await account('admin');
    const report = (await (await get(admin.cookie, '/reports/satisfaction')).json()) as Report;
    const riyadh = new Date(Date.now() + 3 * 60 * 60 * 1000);
    const months = Array.from({ length: 6 }, (_, i) => {
      const d = new Date(Date.UTC(riyadh.getUTCFullYear(), riyadh.getUTCMonth() - 5 + i, 1));
      return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
    });
    expect(report.byMonth.map((m) => m.month)).toEqual(months);
    expect([report.from, report.to]).toEqual([months[0], months[5]]);
  });

  it('answers 400 in the API’s format for a bad month, a reversed or too long period, or an unknown parameter', async () => {
    for (const query of ['from=2025-13', 'to=2025-1', 'from=january', 'from=2025-03&to=2025-01', 'from=2023-01&to=2025-01', 'month=2025-01']) {
      const res = await get(officer.cookie, `/reports/satisfaction?${query}`);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: { code: string; message: string } }).error.code).toBe('BadArgument');
    }
    expect((await get(officer.cookie, '/reports/satisfaction?from=2023-02&to=2025-01')).status).toBe(200);
  });

  it('refuses researchers (403) and anyone signed out (401)', async () => {
    expect((await get(sara.cookie, '/reports/satisfaction')).status).toBe(403);
    expect((await get('', '/reports/satisfaction')).status).toBe(401);
  });
});

describe('follow-ups of low ratings', () => {
  let officer: Account;
  let admin: Account;
  let researcher: Account;
  let first: SurveyResponseRecord;
  let second: SurveyResponseRecord;
  let closed: SurveyResponseRecord;
  let happy: SurveyResponseRecord;

  beforeAll(async () => {
    officer = await account('officer', 'ريم');
    admin = await account('admin', 'المدير');
    researcher = await account('researcher', 'نورة');
    first = await survey({ sentAt: '2024-06-10T09:00:00Z', channel: 'telegram', staffId: researcher.id, rating: 1, comment: 'لم يرد علي أحد <script>x</script>', milestone: 'handoff:f1', followUp: open('2024-06-10T10:00:00Z') });
    second = await survey({ sentAt: '2024-06-12T09:00:00Z', channel: 'webchat', staffId: null, rating: 2, milestone: 'decision:f2', followUp: open('2024-06-12T10:00:00Z') });
    closed = await survey({
      sentAt: '2024-06-01T09:00:00Z',
      rating: 2,
      milestone: 'service:f3',
      followUp: { state: 'done', openedAt: new Date('2024-06-01T10:00:00Z'), doneBy: admin.id, doneAt: new Date('2024-06-02T10:00:00Z'), note: 'اتصلنا بها' },
    });
    happy = await survey({ sentAt: '2024-06-11T09:00:00Z', rating: 5, milestone: 'handoff:f4' });
  });

  it('lists the open ones newest first, with the comment, the staff member and the follow-up, audited by ids', async () => {
    const res = await get(officer.cookie, '/followups');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { items: FollowUpItem[]; total: number; state: string };
    expect(body.total).toBe(2);
    expect(body.state).toBe('open');
    expect(body.items.map((i) => i.surveyId)).toEqual([second.id, first.id]);
    expect(body.items[1]).toEqual({
      surveyId: first.id,
      rating: 1,
      comment: 'لم يرد علي أحد <script>x</script>',
      milestone: 'handoff:f1',
      channel: 'telegram',
      staffId: researcher.id,
      staffName: 'نورة',
      sentAt: '2024-06-10T09:00:00.000Z',
      answeredAt: '2024-06-10T10:00:00.000Z',
      conversationId: first.conversationId,
      followUp: { state: 'open', openedAt: '2024-06-10T10:00:00.000Z', doneBy: null, doneAt: null, note: null },
      doneByName: null,
    });
    expect(body.items[0]).toMatchObject({ staffId: null, staffName: null });
    const audited = await t().app.store.audit.list({ actor: `staff:${officer.id}`, subjectType: 'survey' });
    expect(audited[0]).toMatchObject({ action: 'survey.followups_viewed', subjectId: 'followups', details: { state: 'open', surveyIds: [second.id, first.id] } });
    expect(JSON.stringify(audited[0]?.details)).not.toContain('لم يرد');
  });

  it('lists the done ones on asking, with who closed them', async () => {
    const body = (await (await get(admin.cookie, '/followups?state=done')).json()) as { items: FollowUpItem[] };
    expect(body.items.map((i) => i.surveyId)).toEqual([closed.id]);
    expect(body.items[0]).toMatchObject({ doneByName: 'المدير', followUp: { state: 'done', doneBy: admin.id, note: 'اتصلنا بها' } });
    expect((await get(admin.cookie, '/followups?state=later')).status).toBe(400);
  });

  it('closes an open follow-up with a note, tells the consoles, audits it without the note, and refuses a second close (409)', async () => {
    const heard: StaffEvent[] = [];
    const stop = t().app.events.subscribe((event) => heard.push(event));
    try {
      const res = await post(officer.cookie, `/surveys/${first.id}/follow-up`, { note: '  اتصلت بالمستفيد واعتذرت، وحددنا موعدًا  ' });
      expect(res.status).toBe(200);
      const item = (await res.json()) as FollowUpItem;
      expect(item).toMatchObject({ surveyId: first.id, doneByName: 'ريم', followUp: { state: 'done', doneBy: officer.id, note: 'اتصلت بالمستفيد واعتذرت، وحددنا موعدًا', openedAt: '2024-06-10T10:00:00.000Z' } });
      expect(Date.now() - new Date(item.followUp.doneAt ?? 0).getTime()).toBeLessThan(60_000);
      expect((await t().app.store.surveys.get(first.id))?.followUp).toMatchObject({ state: 'done', doneBy: officer.id });
      await vi.waitFor(() => expect(heard).toContainEqual(expect.objectContaining({ type: 'survey.followup_done', id: first.id })));
    } finally {
      stop();
    }
    const audited = await t().app.store.audit.list({ subjectType: 'survey', subjectId: first.id });
    expect(audited.map((e) => e.action)).toEqual(['survey.followup_done']);
    expect(audited[0]?.actor).toBe(`staff:${officer.id}`);
    expect(JSON.stringify(audited[0]?.details)).not.toContain('اتصلت');

    const again = await post(admin.cookie, `/surveys/${first.id}/follow-up`, { note: 'مرة أخرى' });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('AlreadyDone');
    expect((await t().app.store.surveys.get(first.id))?.followUp?.note).toBe('اتصلت بالمستفيد واعتذرت، وحددنا موعدًا');

    const remaining = (await (await get(officer.cookie, '/followups')).json()) as { items: FollowUpItem[]; total: number };
    expect(remaining.items.map((i) => i.surveyId)).toEqual([second.id]);
    expect(remaining.total).toBe(1);
  });

  it('answers 404 without a follow-up, 400 without a note, 403 to researchers', async () => {
    expect((await post(officer.cookie, `/surveys/${happy.id}/follow-up`, { note: 'ok' })).status).toBe(404);
    expect((await post(officer.cookie, '/surveys/no-such-survey/follow-up', { note: 'ok' })).status).toBe(404);
    for (const body of [{}, { note: '   ' }, { note: 'x'.repeat(2001) }, { note: 'ok', extra: 1 }]) {
      expect((await post(officer.cookie, `/surveys/${second.id}/follow-up`, body)).status).toBe(400);
    }
    expect((await post(researcher.cookie, `/surveys/${second.id}/follow-up`, { note: 'ok' })).status).toBe(403);
    expect((await get(researcher.cookie, '/followups')).status).toBe(403);
    expect((await t().app.store.surveys.get(second.id))?.followUp?.state).toBe('open');
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${t().url}/staff/api/openapi.json`)).json()) as { paths: Record<string, Record<string, { description?: string }>> };
    expect(doc.paths['/staff/api/reports/satisfaction']?.get?.description).toContain('officer, admin');
    expect(doc.paths['/staff/api/followups']?.get).toBeDefined();
    expect(doc.paths['/staff/api/surveys/{id}/follow-up']?.post).toBeDefined();
  });
});
