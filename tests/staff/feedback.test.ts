import { describe, expect, it } from 'vitest';
import type { FeedbackKind, StaffRole } from '../../src/store/types.js';
import { DirectLineClient } from '../helpers/directline-client.js';
import { botSays as seen, staffClient } from '../helpers/staff-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * Suggestions and complaints in the staff API: every role reads them (the text in the audited
 * detail only), officers and admins answer once, and the answer reaches the beneficiary's chat as
 * the staff member's message in the words of `feedback.reply`.
 */
const t = useTestApp();

type FeedbackView = { id: string; reference: string; kind: string; status: string; text?: string; reply?: string | null; repliedBy?: string | null; repliedByName?: string | null };
type FeedbackList = { items: FeedbackView[]; total: number; openComplaints: number; openSuggestions: number };

const staff = staffClient(t);
const { api } = staff;
const signedIn = (role: StaffRole, displayName = 'Reem') => staff.account(role, { displayName });

/** A web chat beneficiary who sent a suggestion or a complaint. */
async function sent(kind: FeedbackKind, text: string) {
  const dl = await DirectLineClient.start(t().url, `feedback-${Math.random().toString(36).slice(2)}`);
  await dl.say('السلام عليكم');
  const conversation = await t().app.store.conversations.get(dl.conversationId);
  const record = await t().app.store.feedback.create({ contactId: conversation?.contactId ?? null, conversationId: dl.conversationId, channel: 'webchat', kind, category: 'procedures', text });
  await dl.read();
  return { dl, record };
}

describe('suggestions and complaints for staff', () => {
  it('lists them open complaints first with the badge counts, and keeps the text for the audited detail', async () => {
    const suggestion = await sent('suggestion', 'ليت المواعيد تكون مساءً أيضًا');
    const complaint = await sent('complaint', 'تأخر الرد على طلبي ثلاثة أسابيع');
    const researcher = await signedIn('researcher');
    const res = await api('/staff/api/feedback', researcher.cookie);
    expect(res.status).toBe(200);
    const list = (await res.json()) as FeedbackList;
    expect(list.openComplaints).toBeGreaterThanOrEqual(1);
    expect(list.openSuggestions).toBeGreaterThanOrEqual(1);
    const ids = list.items.map((i) => i.id);
    expect(ids.indexOf(complaint.record.id)).toBeLessThan(ids.indexOf(suggestion.record.id));
    expect(JSON.stringify(list)).not.toContain('تأخر الرد');

    const only = (await (await api('/staff/api/feedback?kind=suggestion&status=open', researcher.cookie)).json()) as FeedbackList;
    expect(only.items.every((i) => i.kind === 'suggestion' && i.status === 'open')).toBe(true);

    const one = (await (await api(`/staff/api/feedback/${complaint.record.id}`, researcher.cookie)).json()) as FeedbackView;
    expect(one).toMatchObject({ reference: complaint.record.reference, kind: 'complaint', status: 'open', text: 'تأخر الرد على طلبي ثلاثة أسابيع', reply: null });
    const audit = await t().app.store.audit.list({ subjectType: 'feedback', subjectId: complaint.record.id });
    expect(audit.find((e) => e.action === 'feedback.viewed')?.actor).toBe(`staff:${researcher.id}`);
  });

  it('sends an officer’s reply to the beneficiary’s chat once, and a second reply is refused', async () => {
    const { dl, record } = await sent('complaint', 'لم يتصل بي أحد بعد الموعد');
    const before = ((await (await api('/staff/api/feedback', (await signedIn('researcher')).cookie)).json()) as FeedbackList).openComplaints;
    const officer = await signedIn('officer', 'ريم');
    const res = await api(`/staff/api/feedback/${record.id}/reply`, officer.cookie, { method: 'POST', body: { text: 'نعتذر منك، سيتصل بك الباحث غدًا صباحًا.' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'answered', reply: 'نعتذر منك، سيتصل بك الباحث غدًا صباحًا.', repliedBy: officer.id, repliedByName: 'ريم' });

    const message = await seen(dl, 'سيتصل بك الباحث غدًا صباحًا');
    expect(message.text).toBe(`رد الجمعية على شكواك رقم ${record.reference}:\nنعتذر منك، سيتصل بك الباحث غدًا صباحًا.`);
    expect(await t().app.store.feedback.get(record.id)).toMatchObject({ status: 'answered', repliedBy: officer.id, repliedAt: expect.any(Date) });
    const after = ((await (await api('/staff/api/feedback', officer.cookie)).json()) as FeedbackList).openComplaints;
    expect(after).toBe(before - 1);

    const again = await api(`/staff/api/feedback/${record.id}/reply`, officer.cookie, { method: 'POST', body: { text: 'ومرة أخرى' } });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: 'AlreadyAnswered' } });

    const audit = await t().app.store.audit.list({ subjectType: 'feedback', subjectId: record.id });
    const replied = audit.find((e) => e.action === 'feedback.replied');
    expect(replied?.details).toEqual({ kind: 'complaint' });
    expect(JSON.stringify(audit.map((e) => e.details))).not.toContain('الباحث');
  });

  it('lets a researcher read but not reply, and checks the reply', async () => {
    const { record } = await sent('suggestion', 'خدمة ممتازة');
    const researcher = await signedIn('researcher');
    const refused = await api(`/staff/api/feedback/${record.id}/reply`, researcher.cookie, { method: 'POST', body: { text: 'شكرًا لك' } });
    expect(refused.status).toBe(403);
    expect(await t().app.store.feedback.get(record.id)).toMatchObject({ status: 'open', reply: null });

    const admin = await signedIn('admin');
    const reply = (body: unknown) => api(`/staff/api/feedback/${record.id}/reply`, admin.cookie, { method: 'POST', body });
    expect((await reply({ text: '   ' })).status).toBe(400);
    expect((await reply({ text: 'x'.repeat(1001) })).status).toBe(400);
    expect((await reply({ text: 'شكرًا', staffId: 'someone' })).status).toBe(400);
    expect((await api('/staff/api/feedback/nothing/reply', admin.cookie, { method: 'POST', body: { text: 'شكرًا' } })).status).toBe(404);
    expect((await api('/staff/api/feedback?kind=praise', admin.cookie)).status).toBe(400);
    expect((await api('/staff/api/feedback', null)).status).toBe(401);
  });
});
