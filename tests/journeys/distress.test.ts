import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { allText, askedField, DirectLineClient, type WireActivity } from '../helpers/directline-client.js';
import { useTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * A beneficiary whose message shows severe distress, over the web chat: a caring reply at once with
 * the association's configured contact, an urgent handoff (reason `distress`) that the staff API
 * lists first with `urgent: true` — from the menu, in the middle of an application (the form is
 * kept) and while a person already has the conversation (no second handoff: the open one turns
 * urgent). Without SUPPORT_CONTACT the reply gives no number at all.
 */
const ADMIN = { email: 'admin@injab.test', password: 'an admin password' };
const CONTACT = 'هاتف الجمعية 0138000000 (الأحد–الخميس)';
const t = useTestApp({ env: { SUPPORT_CONTACT: CONTACT, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password } });
const bare = useTestApp();
let visitors = 0;

type ListedHandoff = { id: string; conversationId: string; reason: string; status: string; urgent: boolean };

async function signIn(app: TestApp): Promise<string> {
  const res = await fetch(`${app.url}/staff/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: app.url },
    body: JSON.stringify(ADMIN),
  });
  expect(res.status).toBe(200);
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

async function staffApi<T>(path: string, cookie: string, body?: unknown): Promise<T> {
  const res = await fetch(`${t().url}/staff/api${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { origin: t().url, cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(res.status, path).toBeLessThan(300);
  return (await res.json()) as T;
}

async function visitor(app: TestApp = t()): Promise<DirectLineClient> {
  return DirectLineClient.start(app.url, `distress-visitor-${(visitors += 1)}`);
}

async function handoffsOf(app: TestApp, conversationId: string) {
  const all = [...(await app.app.store.handoffs.list({ limit: 200 }))];
  return all.filter((h) => h.conversationId === conversationId);
}

/** Polls until `probe` is true (the release notice goes through the outbound queue). */
async function eventually(probe: () => Promise<boolean>, what: string): Promise<void> {
  for (const until = Date.now() + 5000; Date.now() < until; await sleep(50)) if (await probe()) return;
  throw new Error(`timed out waiting for ${what}`);
}

const expectCaringReply = (replies: WireActivity[]) => {
  const text = allText(replies);
  expect(text).toContain('نحن معك');
  expect(text).toContain('في أقرب وقت ممكن');
  expect(text).toContain('خدمات الطوارئ');
};

describe('a message that shows severe distress', () => {
  it('gets the caring reply with the configured contact and an urgent handoff listed first', async () => {
    const ordinary = await visitor();
    expect(allText(await ordinary.say('ابي اكلم موظف'))).toContain('تم تحويل محادثتك');

    const dl = await visitor();
    const replies = await dl.say('والله تعبت من الحياة وما عاد فيني حيل');
    expectCaringReply(replies);
    expect(allText(replies)).toContain(CONTACT);
    // Nothing else answers the message: no menu, no knowledge answer.
    expect(replies).toHaveLength(1);

    const [handoff, ...more] = await handoffsOf(t(), dl.conversationId);
    expect(more).toEqual([]);
    expect(handoff).toMatchObject({ reason: 'distress', status: 'waiting' });
    expect((await t().app.store.conversations.get(dl.conversationId))?.status).toBe('waiting');

    const cookie = await signIn(t());
    const { items } = await staffApi<{ items: ListedHandoff[] }>('/handoffs?status=waiting', cookie);
    expect(items[0]).toMatchObject({ id: handoff?.id, reason: 'distress', urgent: true });
    expect(items.find((h) => h.conversationId === ordinary.conversationId)).toMatchObject({ urgent: false });

    // Audited with ids only: nothing of what the beneficiary wrote.
    const audit = await t().app.store.audit.list({ subjectType: 'handoff', subjectId: handoff?.id ?? '' });
    const flagged = audit.find((a) => a.action === 'safety.distress_flagged');
    expect(flagged?.details).toMatchObject({ conversationId: dl.conversationId, change: 'created' });
    expect(JSON.stringify(flagged)).not.toContain('الحياة');
  });

  it('in the middle of an application, raises the handoff and keeps the form for later', async () => {
    const dl = await visitor();
    await dl.say('ابغى اقدم طلب دعم');
    await dl.say('1');
    expect(askedField(await dl.say('سلمان فهد القحطاني'))).toBe('national_id');

    const replies = await dl.say('ما ابي اعيش، ابي اموت');
    expectCaringReply(replies);
    expect(allText(replies)).toContain(CONTACT);
    const handoff = await t().app.store.handoffs.findOpenByConversation(dl.conversationId);
    expect(handoff?.reason).toBe('distress');

    // A researcher gives the conversation back to the bot: the application is where it was.
    const cookie = await signIn(t());
    await staffApi(`/handoffs/${handoff?.id}/release`, cookie, {});
    await eventually(async () => (await t().app.store.conversations.get(dl.conversationId))?.status === 'bot', 'the release');
    expect(askedField(await dl.say('1058529940'))).toBe('spouse_name');
  });

  it('while a person has the conversation, turns that handoff urgent instead of opening another', async () => {
    const dl = await visitor();
    await dl.say('ابي اكلم موظف');
    const cookie = await signIn(t());
    const open = await t().app.store.handoffs.findOpenByConversation(dl.conversationId);
    await staffApi(`/handoffs/${open?.id}/claim`, cookie, {});

    const replies = await dl.say('I want to kill myself');
    expectCaringReply(replies);
    const handoffs = await handoffsOf(t(), dl.conversationId);
    expect(handoffs).toHaveLength(1);
    expect(handoffs[0]).toMatchObject({ id: open?.id, reason: 'distress', status: 'active' });
    expect((await t().app.store.conversations.get(dl.conversationId))?.status).toBe('human');
    const { items } = await staffApi<{ items: ListedHandoff[] }>('/handoffs?status=active', cookie);
    expect(items.find((h) => h.id === open?.id)).toMatchObject({ urgent: true });
    const audit = await t().app.store.audit.list({ subjectType: 'handoff', subjectId: open?.id ?? '' });
    expect(audit.find((a) => a.action === 'safety.distress_flagged')?.details).toMatchObject({ change: 'escalated' });
  });

  it('ordinary infertility words are not taken for distress', async () => {
    const dl = await visitor();
    await dl.say('تعبت من العلاج');
    await dl.say('صار عندي موت للأجنة مرتين');
    expect(await handoffsOf(t(), dl.conversationId)).toEqual([]);
  });
});

describe('without SUPPORT_CONTACT', () => {
  it('promises a staff member and points to emergency services, with no number anywhere', async () => {
    const dl = await visitor(bare());
    const replies = await dl.say('ابي اموت');
    expectCaringReply(replies);
    expect(allText(replies)).not.toMatch(/[0-9٠-٩۰-۹]/);
    expect((await bare().app.store.handoffs.findOpenByConversation(dl.conversationId))?.reason).toBe('distress');

    const english = await visitor(bare());
    const text = allText(await english.say('I just want to end my life'));
    expect(text).toContain('a staff member will contact you');
    expect(text).toContain('emergency services');
    expect(text).not.toMatch(/[0-9]/);
  });
});
