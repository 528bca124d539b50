import { describe, expect, it } from 'vitest';
import { DirectLineClient } from '../helpers/directline-client.js';
import { staffClient, type StaffAccount } from '../helpers/staff-client.js';
import { useTestApp } from '../helpers/test-app.js';
import { registeredRoutes } from '../helpers/routes.js';

/**
 * Every read of a beneficiary's record by staff is audited: who (actor), what (action, subject) and
 * when (at). This walks every GET route of the staff API from fastify's own route table, so a new
 * route fails here until it is listed as a read of a record (and audited) or as no record at all.
 *
 * Lists: a list is a read of records when it shows something personal about each beneficiary — the
 * conversation queue (names), volunteers (names), follow-ups (the beneficiary's words). Lists that
 * show only references, statuses, days and kinds (requests, bookings, feedback) are not: opening one
 * item from them is the audited read.
 */
const t = useTestApp({ env: { BOOKING_WINDOWS: '09:00-11:00' } });
const staff = staffClient(t);

type Ids = { handoffId: string; requestId: string; fileId: string; bookingId: string; volunteerId: string; feedbackId: string };
type Read = { path: (ids: Ids) => string; action: string; subjectType: string; subjectId: (ids: Ids) => string };

/** GET routes that read one or more beneficiaries' records, and the audit entry each must leave. */
const RECORD_READS: Record<string, Read> = {
  '/staff/api/handoffs': { path: () => '/staff/api/handoffs', action: 'handoff.list_viewed', subjectType: 'handoff', subjectId: () => 'list' },
  '/staff/api/handoffs/:id': { path: (i) => `/staff/api/handoffs/${i.handoffId}`, action: 'handoff.viewed', subjectType: 'handoff', subjectId: (i) => i.handoffId },
  '/staff/api/requests/:id': { path: (i) => `/staff/api/requests/${i.requestId}`, action: 'request.viewed', subjectType: 'support_request', subjectId: (i) => i.requestId },
  '/staff/api/requests/:id/documents/:fileId': {
    path: (i) => `/staff/api/requests/${i.requestId}/documents/${i.fileId}`,
    action: 'request.document_viewed',
    subjectType: 'support_request',
    subjectId: (i) => i.requestId,
  },
  '/staff/api/bookings/:id': { path: (i) => `/staff/api/bookings/${i.bookingId}`, action: 'booking.viewed', subjectType: 'booking', subjectId: (i) => i.bookingId },
  '/staff/api/volunteers': { path: () => '/staff/api/volunteers', action: 'volunteer.list_viewed', subjectType: 'volunteer', subjectId: () => 'list' },
  '/staff/api/volunteers/:id': { path: (i) => `/staff/api/volunteers/${i.volunteerId}`, action: 'volunteer.viewed', subjectType: 'volunteer', subjectId: (i) => i.volunteerId },
  '/staff/api/feedback/:id': { path: (i) => `/staff/api/feedback/${i.feedbackId}`, action: 'feedback.viewed', subjectType: 'feedback', subjectId: (i) => i.feedbackId },
  '/staff/api/followups': { path: () => '/staff/api/followups', action: 'survey.followups_viewed', subjectType: 'survey', subjectId: () => 'followups' },
};

/** GET routes that read no beneficiary's record, and why. */
const NOT_RECORDS: Record<string, string> = {
  '/staff/api/me': 'the signed-in colleague',
  '/staff/api/requests': 'references, statuses and dates only; opening one is the read',
  '/staff/api/bookings': 'references, days and windows only; opening one (with the phone) is the read',
  '/staff/api/bookings/calendar': 'counts of places',
  '/staff/api/feedback': 'references, kinds and categories without the text; opening one is the read',
  '/staff/api/reports/satisfaction': 'counts only (audited anyway)',
  '/staff/api/staff': 'staff accounts',
  '/staff/api/audit': 'ids and actions, never personal values',
  '/staff/api/channels': 'channel states (each QR shown is audited)',
  '/staff/api/events': 'ids only, then each detail through an audited route',
  '/staff/api/openapi.json': 'the API description',
};

function staffGetRoutes(): string[] {
  return registeredRoutes(t().app)
    .filter((r) => r.path.startsWith('/staff/api/') && r.methods.includes('GET'))
    .map((r) => r.path);
}

/** One beneficiary with a record of every kind. */
async function beneficiary(admin: StaffAccount): Promise<Ids> {
  const { store } = t().app;
  const dl = await DirectLineClient.start(t().url, `audited-${Math.random()}`);
  await dl.say('السلام عليكم');
  const conversation = await store.conversations.get(dl.conversationId);
  const contactId = conversation?.contactId ?? null;
  const handoff = await store.handoffs.create({ conversationId: dl.conversationId, contactId, reason: 'user_request' });
  const file = await store.files.put({ name: 'هوية.pdf', contentType: 'application/pdf', conversationId: dl.conversationId, bytes: Buffer.from('%PDF-1.4 id') });
  const request = await store.supportRequests.create({
    contactId: contactId ?? 'contact',
    conversationId: dl.conversationId,
    channel: 'webchat',
    status: 'submitted',
    answers: { applicant_name: 'خالد' },
    declaration: null,
    applicantKeys: [],
    submittedAt: new Date(),
  });
  await store.supportRequests.update(request.id, { documents: [{ kind: 'id_copies', fileId: file.id, name: file.name, contentType: file.contentType, size: file.size, receivedAt: new Date() }] });
  const calendar = (await (await staff.api('/staff/api/bookings/calendar', admin.cookie)).json()) as { days: { day: string }[]; windows: { id: string }[] };
  const booking = await store.bookings.reserve(
    { contactId, conversationId: dl.conversationId, channel: 'webchat', kind: 'callback', day: calendar.days[0]?.day ?? '', window: calendar.windows[0]?.id ?? '', phone: '+966501234567' },
    5,
  );
  const volunteer = await store.volunteers.create({ contactId, conversationId: dl.conversationId, channel: 'webchat', name: 'سارة', phone: '+966551112233', city: 'khobar', field: 'awareness', fieldDetails: null, availability: 'weekday_evenings' });
  const feedback = await store.feedback.create({ contactId, conversationId: dl.conversationId, channel: 'webchat', kind: 'complaint', category: 'procedures', text: 'تأخر الرد' });
  await store.surveys.create({
    contactId,
    conversationId: dl.conversationId,
    milestone: `handoff:${handoff.id}`,
    channel: 'webchat',
    staffId: null,
    rating: 1,
    comment: 'ما أحد رد علي',
    sentAt: new Date(),
    answeredAt: new Date(),
    followUp: { state: 'open', openedAt: new Date(), doneBy: null, doneAt: null, note: null },
  });
  if (!booking) throw new Error('no place for the booking');
  return { handoffId: handoff.id, requestId: request.id, fileId: file.id, bookingId: booking.id, volunteerId: volunteer.id, feedbackId: feedback.id };
}

describe('every read of a beneficiary’s record is audited', () => {
  it('has every GET route of the staff API listed as a record read or as no record', () => {
    const routes = staffGetRoutes();
    expect(routes.length).toBeGreaterThan(15);
    const unlisted = routes.filter((r) => !(r in RECORD_READS) && !(r in NOT_RECORDS));
    expect(unlisted, 'classify new GET routes in this test').toEqual([]);
    for (const listed of [...Object.keys(RECORD_READS), ...Object.keys(NOT_RECORDS)]) expect(routes, listed).toContain(listed);
  });

  it('records who read what and when, for each read of a record', async () => {
    const admin = await staff.account('admin');
    const ids = await beneficiary(admin);
    for (const [route, read] of Object.entries(RECORD_READS)) {
      const before = Date.now();
      const res = await staff.api(read.path(ids), admin.cookie);
      expect(res.status, route).toBe(200);
      await res.arrayBuffer();
      const entries = await t().app.store.audit.list({ subjectType: read.subjectType, subjectId: read.subjectId(ids), actor: `staff:${admin.id}`, limit: 5 });
      const entry = entries.find((e) => e.action === read.action);
      expect(entry, `${route} → ${read.action}`).toBeDefined();
      expect(entry?.at.getTime(), route).toBeGreaterThanOrEqual(before - 1000);
      // Ids only: no beneficiary's words, names or numbers in the audit log.
      expect(JSON.stringify(entry?.details ?? {}), route).not.toMatch(/خالد|سارة|\+966|تأخر|ما أحد/);
    }
  });

  it('lists the conversations a colleague saw in the queue by id', async () => {
    const researcher = await staff.account('researcher');
    const admin = await staff.account('admin');
    const ids = await beneficiary(admin);
    await staff.api('/staff/api/handoffs?status=waiting', researcher.cookie);
    const [entry] = await t().app.store.audit.list({ subjectType: 'handoff', subjectId: 'list', actor: `staff:${researcher.id}`, limit: 1 });
    expect(entry).toMatchObject({ action: 'handoff.list_viewed', details: { status: 'waiting', handoffIds: expect.arrayContaining([ids.handoffId]) } });
  });
});
