import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { surveyJobId } from '../../src/followups/followup-jobs.js';
import { allText, askedField, buttons, DirectLineClient, type WireActivity } from '../helpers/directline-client.js';
import { staffClient } from '../helpers/staff-client.js';
import { clearRedisPrefix, removeDir, startTestApp, tempDir, useTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Follow-ups end to end over the web chat, with short delays and quiet hours off: a survey after a
 * resolved handoff (rating and comment stored), never while a person owns the conversation,
 * reminders for an unfinished application and none for one that ended, a status notification held
 * while a person is talking, and nothing lost across a restart between scheduling and sending.
 */
const ADMIN = { email: 'admin@injab.test', password: 'an admin password' };
const env = { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, SURVEY_DELAY_MS: '300', REMINDER_DELAYS_MS: '800,1600' };
const t = useTestApp({ env });

let visitors = 0;
const newVisitor = async (app: TestApp = t()) => DirectLineClient.start(app.url, `follow-up-visitor-${(visitors += 1)}`);

/** The admin's session cookie on `app` (the restart test signs in to its own first app). */
const signIn = (app: TestApp = t()): Promise<string> => staffClient(app).signIn(ADMIN.email, ADMIN.password);

/** GET `path`, or POST it with `body` as JSON. */
const api = (path: string, cookie: string, body?: unknown, app: TestApp = t()): Promise<Response> =>
  staffClient(app).api(path, cookie, body === undefined ? {} : { method: 'POST', body });

/** Reads what the bot sent on its own until `found` says it is there (or fails after `ms`). */
async function arrives(dl: DirectLineClient, found: (activities: WireActivity[]) => boolean, what: string, ms = 6000): Promise<WireActivity[]> {
  const seen: WireActivity[] = [];
  for (const start = Date.now(); Date.now() - start < ms; await sleep(50)) {
    seen.push(...(await dl.read()).filter((a) => a.from.role === 'bot'));
    if (found(seen)) return seen;
  }
  throw new Error(`${what} never arrived; the bot sent: ${allText(seen)}`);
}

/** What the bot sends on its own within `ms`. */
async function quietFor(dl: DirectLineClient, ms: number): Promise<WireActivity[]> {
  await sleep(ms);
  return (await dl.read()).filter((a) => a.from.role === 'bot');
}

const isSurvey = (a: WireActivity) => a.channelData?.field === 'rating';

/** A visitor whose conversation a person took and resolved; returns the handoff id. */
async function resolvedHandoff(dl: DirectLineClient, cookie: string, app: TestApp = t()): Promise<string> {
  expect(allText(await dl.say('ابي اكلم موظف'))).toContain('تم تحويل');
  const handoff = await app.app.store.handoffs.findOpenByConversation(dl.conversationId);
  if (!handoff) throw new Error('no handoff');
  expect((await api(`/staff/api/handoffs/${handoff.id}/claim`, cookie, {}, app)).status).toBe(200);
  expect((await api(`/staff/api/handoffs/${handoff.id}/messages`, cookie, { text: 'أهلًا، كيف أقدر أخدمك؟' }, app)).status).toBe(202);
  expect((await api(`/staff/api/handoffs/${handoff.id}/resolve`, cookie, {}, app)).status).toBe(200);
  return handoff.id;
}

describe('satisfaction surveys', () => {
  it('follow a resolved handoff, take a rating and a comment, and store both with the staff member and channel', async () => {
    const cookie = await signIn();
    const dl = await newVisitor();
    const handoffId = await resolvedHandoff(dl, cookie);
    const sent = await arrives(dl, (as) => as.some(isSurvey), 'the survey');
    const survey = sent.find(isSurvey);
    expect(survey?.text).toContain('التقييم حق لك');
    expect(buttons([survey as WireActivity])).toHaveLength(5);

    const afterRating = await dl.say('⭐⭐⭐⭐');
    expect(askedField(afterRating)).toBe('comment');
    expect(allText(await dl.say('الرد كان سريع وواضح'))).toContain('شكرًا لوقتك');

    const [stored] = await t().app.store.surveys.list({ milestone: `handoff:${handoffId}` });
    const admin = await t().app.store.staff.findByEmail(ADMIN.email);
    expect(stored).toMatchObject({ rating: 4, comment: 'الرد كان سريع وواضح', channel: 'webchat', staffId: admin?.id, followUp: null });
    expect(stored?.answeredAt).toBeInstanceOf(Date);

    // …and counted in the satisfaction report.
    const report = (await (await api('/staff/api/reports/satisfaction', cookie)).json()) as {
      overall: { answered: number; distribution: number[] };
      byChannel: { channel: string; answered: number }[];
    };
    expect(report.overall.distribution[3]).toBeGreaterThanOrEqual(1);
    expect(report.byChannel.find((c) => c.channel === 'webchat')?.answered).toBeGreaterThanOrEqual(1);
  });

  it('turn a rating of 1 into a follow-up for a supervisor, and the beneficiary is told one will call', async () => {
    const cookie = await signIn();
    const dl = await newVisitor();
    const handoffId = await resolvedHandoff(dl, cookie);
    await arrives(dl, (as) => as.some(isSurvey), 'the survey');
    await dl.say('سيء');
    expect(allText(await dl.say('تخطي'))).toContain('سيتواصل معك أحد المشرفين');
    const [stored] = await t().app.store.surveys.list({ milestone: `handoff:${handoffId}` });
    expect(stored?.rating).toBe(1);
    expect(stored?.followUp?.state).toBe('open');
  });

  it('never arrive while a person owns the conversation: the job waits, still queued', async () => {
    const cookie = await signIn();
    const dl = await newVisitor();
    expect(allText(await dl.say('ابي اكلم موظف'))).toContain('تم تحويل');
    await t().app.followUps.surveyAfter('decision', `held-${dl.conversationId}`, dl.conversationId, null);
    expect((await quietFor(dl, 1200)).filter(isSurvey)).toEqual([]);
    const job = await t().app.followupsQueue.getJob(surveyJobId('decision', `held-${dl.conversationId}`));
    expect(await job?.getState()).toBe('delayed');

    // The person resolves it: the survey of that conversation comes, once.
    const handoff = await t().app.store.handoffs.findOpenByConversation(dl.conversationId);
    expect((await api(`/staff/api/handoffs/${handoff?.id}/resolve`, cookie, {})).status).toBe(200);
    await arrives(dl, (as) => as.some(isSurvey), 'the survey after resolving');
    // The held one comes due later and finds a survey open: no second survey.
    await job?.promote();
    expect((await quietFor(dl, 800)).filter(isSurvey)).toEqual([]);
  });

  it('stop for good when the beneficiary says «لا ترسلوا استبيانات»', async () => {
    const cookie = await signIn();
    const dl = await newVisitor();
    await dl.say('السلام عليكم');
    expect(allText(await dl.say('لا ترسلوا استبيانات'))).toContain('لن نرسل لك استبيانات');
    await resolvedHandoff(dl, cookie);
    expect((await quietFor(dl, 1000)).filter(isSurvey)).toEqual([]);
  });

  it('come back to an application in progress once answered', async () => {
    const dl = await newVisitor();
    await dl.say('ابي اقدم طلب دعم');
    await dl.say('أوافق');
    expect(askedField(await dl.say('خالد سعد الدوسري'))).toBe('national_id');
    // Someone still typing is not interrupted: the survey waits until they have been quiet a while.
    const conversation = await t().app.store.conversations.get(dl.conversationId);
    const state = conversation?.state as { seenAt?: number };
    await t().app.store.conversations.update(dl.conversationId, { state: { ...state, seenAt: Date.now() - 3_600_000 } });
    await t().app.followUps.surveyAfter('service', `mid-form-${dl.conversationId}`, dl.conversationId, null);
    await arrives(dl, (as) => as.some(isSurvey), 'the survey');
    await dl.say('5');
    const back = await dl.say('تخطي');
    expect(allText(back)).toContain('نرجع الآن لما كنا فيه');
    expect(askedField(back)).toBe('national_id');
  });
});

describe('reminders for an application', () => {
  it('remind an unfinished application at each configured delay, then stop', async () => {
    const dl = await newVisitor();
    await dl.say('ابي اقدم طلب دعم');
    await dl.say('أوافق');
    const reminders = await arrives(dl, (as) => as.filter((a) => a.text?.includes('تذكير لطيف')).length >= 2, 'two reminders', 8000);
    // Each reminder asks the question where they stopped again.
    expect(reminders.filter((a) => a.channelData?.field === 'applicant_name').length).toBeGreaterThanOrEqual(2);
    expect((await quietFor(dl, 1500)).filter((a) => a.text?.includes('تذكير لطيف'))).toEqual([]);
  });

  it('send none for an application that was cancelled', async () => {
    const dl = await newVisitor();
    await dl.say('ابي اقدم طلب دعم');
    await dl.say('أوافق');
    await dl.say('خالد سعد الدوسري');
    await dl.say('إلغاء');
    expect(allText(await dl.say('نعم'))).toContain('تم إلغاء الطلب');
    expect((await quietFor(dl, 1800)).filter((a) => a.text?.includes('تذكير'))).toEqual([]);
  });

  it('stop when the beneficiary says «وقف التذكير»', async () => {
    const dl = await newVisitor();
    await dl.say('ابي اقدم طلب دعم');
    await dl.say('أوافق');
    expect(allText(await dl.say('وقف التذكير'))).toContain('أوقفنا رسائل التذكير');
    expect((await quietFor(dl, 1800)).filter((a) => a.text?.includes('تذكير لطيف'))).toEqual([]);
  });
});

/** A submitted request of this visitor's conversation, made directly in the store. */
async function submittedRequest(dl: DirectLineClient, documents: { kind: string; fileId: string; name: string; contentType: string; size: number; receivedAt: Date }[] = []) {
  const conversation = await t().app.store.conversations.get(dl.conversationId);
  const request = await t().app.store.supportRequests.create({
    contactId: conversation?.contactId ?? 'contact',
    conversationId: dl.conversationId,
    channel: 'webchat',
    status: 'submitted',
    answers: { applicant_name: 'خالد سعد الدوسري' },
    declaration: { version: '2026-11-v1', at: new Date(), channel: 'webchat' },
    applicantKeys: [],
    submittedAt: new Date(),
  });
  return documents.length ? t().app.store.supportRequests.update(request.id, { documents }) : request;
}

describe('reminders for missing documents', () => {
  it('list exactly the documents still missing', async () => {
    const dl = await newVisitor();
    await dl.say('السلام عليكم');
    const request = await submittedRequest(dl, [
      { kind: 'id_copies', fileId: 'f1', name: 'ids.pdf', contentType: 'application/pdf', size: 10, receivedAt: new Date() },
      { kind: 'income_proof', fileId: 'f2', name: 'salary.pdf', contentType: 'application/pdf', size: 10, receivedAt: new Date() },
    ]);
    await t().app.followUps.documentsMissing(request.id, dl.conversationId);
    const sent = await arrives(dl, (as) => as.some((a) => a.text?.includes(request.reference)), 'the documents reminder');
    const text = sent.find((a) => a.text?.includes(request.reference))?.text ?? '';
    expect(text).toContain('عقد الزواج');
    expect(text).toContain('التقارير الطبية');
    expect(text).not.toContain('صور الهويات');
    expect(text).not.toContain('إثبات الدخل');
  });
});

describe('status notifications', () => {
  it('reach the beneficiary, but wait while a person is talking with them, and are not lost', async () => {
    const cookie = await signIn();
    const dl = await newVisitor();
    await dl.say('السلام عليكم');
    const request = await submittedRequest(dl);
    expect((await api(`/staff/api/requests/${request.id}/status`, cookie, { status: 'under_review' })).status).toBe(200);
    await arrives(dl, (as) => as.some((a) => a.text?.includes(request.reference)), 'the first notification');

    expect(allText(await dl.say('ابي اكلم موظف'))).toContain('تم تحويل');
    expect((await api(`/staff/api/requests/${request.id}/status`, cookie, { status: 'needs_documents' })).status).toBe(200);
    expect((await quietFor(dl, 1000)).filter((a) => a.text?.includes(request.reference))).toEqual([]);
    const held = (await t().app.outbound.queue.getDelayed()).find((job) => (job.data as { conversationId?: string }).conversationId === dl.conversationId);
    expect(held).toBeDefined();

    const handoff = await t().app.store.handoffs.findOpenByConversation(dl.conversationId);
    expect((await api(`/staff/api/handoffs/${handoff?.id}/resolve`, cookie, {})).status).toBe(200);
    await held?.promote();
    await arrives(dl, (as) => as.some((a) => a.text?.includes(request.reference)), 'the held notification');
  });
});

describe('a restart between scheduling and sending', () => {
  const dataDir = tempDir('followups-restart');
  const prefix = `test-restart-${Date.now().toString(36)}`;
  afterAll(async () => {
    await clearRedisPrefix(prefix);
    removeDir(dataDir);
  });

  it('loses nothing: the survey queued before the restart arrives after it', async () => {
    const first = await startTestApp({ dataDir, prefix, env: { ...env, SURVEY_DELAY_MS: '2500' } });
    let dl: DirectLineClient;
    try {
      const cookie = await signIn(first);
      dl = await newVisitor(first);
      await resolvedHandoff(dl, cookie, first);
    } finally {
      await first.stop();
    }
    const second = await startTestApp({ dataDir, prefix, env });
    try {
      const again = DirectLineClient.resume(second.url, dl.conversationId, dl.token);
      again.watermark = dl.watermark;
      await arrives(again, (as) => as.some(isSurvey), 'the survey after the restart', 8000);
    } finally {
      await second.stop();
    }
  });
});
