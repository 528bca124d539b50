import { describe, expect, it } from 'vitest';
import { DirectLineClient } from '../helpers/directline-client.js';
import { staffClient, type StaffAccount } from '../helpers/staff-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * Least privilege for health data: a request's medical answers (treatment, attempts) and medical
 * reports are for the researcher assigned to the beneficiary and for admins. Everyone else sees them
 * marked withheld — not missing — and gets 403 on the report itself; each refusal is audited.
 */
const t = useTestApp();
const staff = staffClient(t);
const { api } = staff;

type RequestView = {
  answers: Record<string, unknown>;
  documents: { kind: string; fileId?: string; name?: string; withheld?: boolean }[];
  withheld: { answers: string[]; documents: string[] } | null;
};

/** A beneficiary who applied from the web chat with treatment answers, a medical report and an ID copy. */
async function application() {
  const dl = await DirectLineClient.start(t().url, `beneficiary-${Math.random()}`);
  await dl.say('السلام عليكم');
  const conversation = await t().app.store.conversations.get(dl.conversationId);
  const contactId = conversation?.contactId ?? 'contact';
  const files = t().app.store.files;
  const report = await files.put({ name: 'تقرير عيادة الخصوبة.pdf', contentType: 'application/pdf', conversationId: dl.conversationId, bytes: Buffer.from('%PDF-1.4 fertility report') });
  const idCopy = await files.put({ name: 'هوية.pdf', contentType: 'application/pdf', conversationId: dl.conversationId, bytes: Buffer.from('%PDF-1.4 id copy') });
  const request = await t().app.store.supportRequests.create({
    contactId,
    conversationId: dl.conversationId,
    channel: 'webchat',
    status: 'submitted',
    answers: { applicant_name: 'خالد سعد', city: 'khobar', treatment: 'ivf_icsi', treatment_attempts: 3, income: 6000 },
    declaration: null,
    applicantKeys: [],
    submittedAt: new Date(),
  });
  await t().app.store.supportRequests.update(request.id, {
    documents: [
      { kind: 'medical_reports', fileId: report.id, name: report.name, contentType: report.contentType, size: report.size, receivedAt: new Date() },
      { kind: 'id_copies', fileId: idCopy.id, name: idCopy.name, contentType: idCopy.contentType, size: idCopy.size, receivedAt: new Date() },
    ],
  });
  return { dl, contactId, conversationId: dl.conversationId, request, reportId: report.id, idCopyId: idCopy.id };
}

/** Gives the beneficiary's conversation to `who`, as a claim in the console would. */
async function assign(app: Awaited<ReturnType<typeof application>>, who: StaffAccount) {
  const handoff = await t().app.store.handoffs.create({ conversationId: app.conversationId, contactId: app.contactId, reason: 'user_request' });
  await t().app.store.handoffs.claim(handoff.id, who.id, null);
  return handoff;
}

async function view(requestId: string, who: StaffAccount): Promise<RequestView> {
  const res = await api(`/staff/api/requests/${requestId}`, who.cookie);
  expect(res.status).toBe(200);
  return (await res.json()) as RequestView;
}

function expectWithheld(body: RequestView): void {
  expect(body.answers).toMatchObject({ applicant_name: 'خالد سعد', income: 6000, treatment: { withheld: true }, treatment_attempts: { withheld: true } });
  expect(body.withheld).toEqual({ answers: ['treatment', 'treatment_attempts'], documents: ['medical_reports'] });
  const report = body.documents.find((d) => d.kind === 'medical_reports');
  expect(report).toMatchObject({ withheld: true });
  expect(report).not.toHaveProperty('fileId');
  expect(report).not.toHaveProperty('name');
  expect(body.documents.find((d) => d.kind === 'id_copies')).toMatchObject({ name: 'هوية.pdf' });
  expect(JSON.stringify(body)).not.toMatch(/ivf_icsi|الخصوبة/);
}

describe('medical answers and documents', () => {
  it('shows them to the researcher assigned to the beneficiary, and lets them download the report', async () => {
    const app = await application();
    const researcher = await staff.account('researcher');
    await assign(app, researcher);
    const body = await view(app.request.id, researcher);
    expect(body.withheld).toBeNull();
    expect(body.answers).toMatchObject({ treatment: 'ivf_icsi', treatment_attempts: 3 });
    const report = await api(`/staff/api/requests/${app.request.id}/documents/${app.reportId}`, researcher.cookie);
    expect(report.status).toBe(200);
    expect(Buffer.from(await report.arrayBuffer()).toString()).toContain('fertility report');
  });

  it('withholds them from a researcher who is not assigned: marked withheld, 403 on the report, audited', async () => {
    const app = await application();
    await assign(app, await staff.account('researcher'));
    const other = await staff.account('researcher');
    expectWithheld(await view(app.request.id, other));
    const report = await api(`/staff/api/requests/${app.request.id}/documents/${app.reportId}`, other.cookie);
    expect(report.status).toBe(403);
    expect(await report.json()).toMatchObject({ error: { code: 'Withheld' } });
    // The ID copy is not medical: any colleague may open it.
    expect((await api(`/staff/api/requests/${app.request.id}/documents/${app.idCopyId}`, other.cookie)).status).toBe(200);
    const audit = await t().app.store.audit.list({ subjectType: 'support_request', subjectId: app.request.id, actor: `staff:${other.id}` });
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['request.viewed', 'request.document_refused', 'request.document_viewed']));
    expect(audit.find((e) => e.action === 'request.viewed')?.details).toEqual({ withheld: { answers: ['treatment', 'treatment_attempts'], documents: ['medical_reports'] } });
  });

  it('withholds them from an officer by role alone, and shows them once the officer takes the conversation', async () => {
    const app = await application();
    const officer = await staff.account('officer');
    expectWithheld(await view(app.request.id, officer));
    expect((await api(`/staff/api/requests/${app.request.id}/documents/${app.reportId}`, officer.cookie)).status).toBe(403);
    await assign(app, officer);
    expect((await view(app.request.id, officer)).withheld).toBeNull();
  });

  it('shows them to an admin, for oversight (and the read is audited like any other)', async () => {
    const app = await application();
    const admin = await staff.account('admin');
    const body = await view(app.request.id, admin);
    expect(body.withheld).toBeNull();
    expect((await api(`/staff/api/requests/${app.request.id}/documents/${app.reportId}`, admin.cookie)).status).toBe(200);
    const audit = await t().app.store.audit.list({ subjectType: 'support_request', subjectId: app.request.id, actor: `staff:${admin.id}` });
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['request.viewed', 'request.document_viewed']));
  });

  it('keeps them for the researcher who handled the beneficiary after the conversation is resolved', async () => {
    const app = await application();
    const researcher = await staff.account('researcher');
    const handoff = await assign(app, researcher);
    await t().app.store.handoffs.update(handoff.id, { status: 'resolved', resolvedAt: new Date() });
    expect((await view(app.request.id, researcher)).withheld).toBeNull();
  });
});

describe('medical answers typed in the chat', () => {
  /** Writes a bot question and the beneficiary's answer into the transcript, as a form would. */
  async function askAndAnswer(conversationId: string, field: string, question: string, answer: string): Promise<void> {
    const messages = t().app.store.messages;
    const stamp = () => ({ id: `${field}-${Math.random()}`, timestamp: new Date().toISOString() });
    await messages.append(conversationId, { direction: 'outgoing', author: { kind: 'bot' }, activity: { type: 'message', ...stamp(), text: question, channelData: { field } } });
    await messages.append(conversationId, { direction: 'incoming', author: { kind: 'beneficiary' }, activity: { type: 'message', ...stamp(), text: answer } });
  }

  type Transcript = { messages: { seq: number; text: string | null; withheld?: boolean }[] };

  it('are withheld in the transcript from anyone but the assignee and admins; other answers stay', async () => {
    const app = await application();
    await askAndAnswer(app.conversationId, 'city', 'وين تسكنون؟', 'الخبر');
    await askAndAnswer(app.conversationId, 'treatment', 'هل سبق لكم علاج؟', 'سوينا أطفال أنابيب مرتين');
    await askAndAnswer(app.conversationId, 'review_action', 'راجع إجاباتك: العلاج: أطفال أنابيب', 'تأكيد');
    const researcher = await staff.account('researcher');
    const handoff = await assign(app, researcher);
    const colleague = await staff.account('researcher');
    const admin = await staff.account('admin');

    const seen = async (who: StaffAccount) => (await (await api(`/staff/api/handoffs/${handoff.id}`, who.cookie)).json()) as Transcript;
    const forColleague = await seen(colleague);
    const texts = forColleague.messages.map((m) => m.text ?? '');
    expect(texts).toContain('الخبر');
    expect(texts.join(' ')).not.toMatch(/أنابيب/);
    expect(forColleague.messages.filter((m) => m.withheld === true)).toHaveLength(2);
    for (const who of [researcher, admin]) expect((await seen(who)).messages.map((m) => m.text ?? '').join(' ')).toContain('سوينا أطفال أنابيب مرتين');
    const audit = await t().app.store.audit.list({ subjectType: 'handoff', subjectId: handoff.id, actor: `staff:${colleague.id}` });
    expect(audit.find((e) => e.action === 'handoff.viewed')?.details).toMatchObject({ withheldMessages: 2 });
  });
});
