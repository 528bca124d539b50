import { describe, expect, it } from 'vitest';
import { DirectLineClient } from '../helpers/directline-client.js';
import { botTextUntil, staffClient } from '../helpers/staff-client.js';
import { useTestApp } from '../helpers/test-app.js';

/** Support requests in the staff API: the list, one request, documents, and status changes told to the beneficiary. */
const t = useTestApp({ env: { ADMIN_EMAIL: 'admin@injab.test', ADMIN_PASSWORD: 'an admin password' } });
const DAY = 24 * 60 * 60 * 1000;

const staff = staffClient(t);
const { api } = staff;
const researcherCookie = async () => (await staff.account('researcher', { displayName: 'Noura', expectSignedIn: false })).cookie;

/** A beneficiary with a web chat conversation and a request submitted `daysAgo` days ago. */
async function submittedRequest(daysAgo: number) {
  const dl = await DirectLineClient.start(t().url, `beneficiary-${Math.random()}`);
  await dl.say('السلام عليكم');
  const conversation = await t().app.store.conversations.get(dl.conversationId);
  const request = await t().app.store.supportRequests.create({
    contactId: conversation?.contactId ?? 'contact',
    conversationId: dl.conversationId,
    channel: 'webchat',
    status: 'submitted',
    answers: { applicant_name: 'خالد سعد الدوسري', city: 'khobar' },
    declaration: { version: '2026-11-v1', at: new Date(), channel: 'webchat' },
    applicantKeys: [],
    submittedAt: new Date(Date.now() - daysAgo * DAY),
  });
  return { dl, request };
}

const waitForBotText = (dl: DirectLineClient, needle: string) => botTextUntil(dl, needle, 50);

describe('support requests for staff', () => {
  it('lists requests, marking one past two weeks without a decision', async () => {
    const { request } = await submittedRequest(20);
    const cookie = await researcherCookie();
    const res = await api('/staff/api/requests?status=submitted', cookie);
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: { id: string; overdue: boolean; reference: string }[] };
    expect(items.find((i) => i.id === request.id)).toMatchObject({ reference: request.reference, overdue: true });
  });

  it('shows one request with its answers and declaration, and audits the view', async () => {
    const { request } = await submittedRequest(1);
    const cookie = await researcherCookie();
    const body = (await (await api(`/staff/api/requests/${request.id}`, cookie)).json()) as Record<string, unknown>;
    expect(body).toMatchObject({ reference: request.reference, overdue: false, answers: { applicant_name: 'خالد سعد الدوسري' }, declaration: { version: '2026-11-v1' } });
    expect(body.nextStatuses).toEqual(['under_review', 'needs_documents', 'accepted', 'rejected']);
    const audit = await t().app.store.audit.list({ subjectType: 'support_request', subjectId: request.id });
    expect(audit.map((e) => e.action)).toContain('request.viewed');
  });

  it('changes the status with a note, and the beneficiary hears of it in their chat and language', async () => {
    const { dl, request } = await submittedRequest(3);
    await dl.read();
    const cookie = await researcherCookie();
    const res = await api(`/staff/api/requests/${request.id}/status`, cookie, { method: 'POST', body: { status: 'under_review', note: 'بانتظار اللجنة' } });
    expect(res.status).toBe(200);
    expect(await waitForBotText(dl, 'قيد الدراسة')).toContain(request.reference);
    expect(await t().app.store.supportRequests.get(request.id)).toMatchObject({ status: 'under_review', statusNote: 'بانتظار اللجنة' });
    const audit = await t().app.store.audit.list({ subjectType: 'support_request', subjectId: request.id });
    expect(audit.find((e) => e.action === 'request.status_changed')?.details).toEqual({ from: 'submitted', to: 'under_review' });
  });

  it('refuses a status a decided request cannot take, and bad bodies', async () => {
    const { request } = await submittedRequest(3);
    const cookie = await researcherCookie();
    expect((await api(`/staff/api/requests/${request.id}/status`, cookie, { method: 'POST', body: { status: 'rejected' } })).status).toBe(200);
    const again = await api(`/staff/api/requests/${request.id}/status`, cookie, { method: 'POST', body: { status: 'accepted' } });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: 'InvalidTransition' } });
    expect((await api(`/staff/api/requests/${request.id}/status`, cookie, { method: 'POST', body: { status: 'done' } })).status).toBe(400);
    expect((await api(`/staff/api/requests/${request.id}/status`, cookie, { method: 'POST', body: { status: { $ne: 'x' } } })).status).toBe(400);
    expect((await api('/staff/api/requests?limit=lots', cookie)).status).toBe(400);
  });

  it('hands a document over only with a session, and audits it', async () => {
    const { dl, request } = await submittedRequest(2);
    const file = await t().app.store.files.put({ name: 'تقرير.pdf', contentType: 'application/pdf', conversationId: dl.conversationId, bytes: Buffer.from('%PDF-1.4 report') });
    await t().app.store.supportRequests.update(request.id, {
      // Not a medical kind: those are for the assigned researcher only (tests/staff/medical-access.test.ts).
      documents: [{ kind: 'income_proof', fileId: file.id, name: file.name, contentType: file.contentType, size: file.size, receivedAt: new Date() }],
    });
    const path = `/staff/api/requests/${request.id}/documents/${file.id}`;
    expect((await fetch(`${t().url}${path}`)).status).toBe(401);
    const res = await api(path, await researcherCookie());
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).toString()).toBe('%PDF-1.4 report');
    const audit = await t().app.store.audit.list({ subjectType: 'support_request', subjectId: request.id });
    expect(audit.map((e) => e.action)).toContain('request.document_viewed');
  });
});
