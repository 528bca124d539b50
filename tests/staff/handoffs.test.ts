import { describe, expect, it } from 'vitest';
import type { HandoffRecord } from '../../src/store/types.js';
import { allText, DirectLineClient, type WireActivity } from '../helpers/directline-client.js';
import { eventually, staffClient } from '../helpers/staff-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * Conversations handed to a person, over real HTTP: a web chat visitor asks for a person, a
 * researcher claims and answers from the staff API, the visitor's words reach the transcript while
 * the bot stays quiet, and the conversation goes back to the bot — each step heard live and audited.
 */
const ADMIN = { email: 'admin@injab.test', password: 'an admin password' };
const t = useTestApp({ env: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password } });
const RESEARCHER_PASSWORD = 'a researcher password';
let visitors = 0;

type LiveEvent = { type: string; id: string; conversationId?: string };

const staff = staffClient(t);
const { api } = staff;
const researcher = (displayName: string) => staff.account('researcher', { displayName, password: RESEARCHER_PASSWORD });
const admin = () => staff.existing(ADMIN.email, ADMIN.password);

/** A web chat visitor who has just asked for a person, and the handoff that made. */
async function waitingVisitor(): Promise<{ dl: DirectLineClient; handoff: HandoffRecord }> {
  const dl = await DirectLineClient.start(t().url, `handoff-visitor-${(visitors += 1)}`);
  expect(allText(await dl.say('ابي اكلم موظف'))).toContain('تم تحويل محادثتك');
  const handoff = await t().app.store.handoffs.findOpenByConversation(dl.conversationId);
  if (!handoff) throw new Error('no handoff was created');
  return { dl, handoff };
}

async function visitorSees(dl: DirectLineClient, text: string): Promise<WireActivity> {
  return eventually(async () => {
    const { activities } = (await (await dl.get('0')).json()) as { activities: WireActivity[] };
    return activities.find((a) => a.text === text);
  }, `"${text}" in the visitor's chat`);
}

/** A console's live stream: the events it received so far, and a way to hang up. */
async function openEvents(cookie: string) {
  const controller = new AbortController();
  const res = await fetch(`${t().url}/staff/api/events`, { headers: { cookie }, signal: controller.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events: LiveEvent[] = [];
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const pump = (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const data = buffer.slice(0, end).split('\n').find((line) => line.startsWith('data: '));
          buffer = buffer.slice(end + 2);
          if (data) events.push(JSON.parse(data.slice('data: '.length)) as LiveEvent);
        }
      }
    } catch (error) {
      if (!controller.signal.aborted) throw error;
    }
  })();
  return {
    events,
    received: (type: string, conversationId: string) =>
      eventually(() => events.find((e) => e.type === type && e.conversationId === conversationId), `${type} on the live stream`),
    async close() {
      controller.abort();
      await pump;
    },
  };
}

describe('a conversation handed to a person', () => {
  it('lists a visitor who asks for a person as waiting, and tells an open console live', async () => {
    const noura = await researcher('Noura');
    const live = await openEvents(noura.cookie);
    try {
      const { dl, handoff } = await waitingVisitor();
      expect(await live.received('handoff.created', dl.conversationId)).toMatchObject({ id: handoff.id });
      const res = await api('/staff/api/handoffs?status=waiting', noura.cookie);
      expect(res.status).toBe(200);
      const { items } = (await res.json()) as { items: { id: string; createdAt: string }[] };
      expect(items.find((i) => i.id === handoff.id)).toMatchObject({
        conversationId: dl.conversationId,
        channel: 'webchat',
        status: 'waiting',
        reason: 'asked_for_person',
        assignee: null,
        claimedAt: null,
        waitSeconds: expect.any(Number),
      });
      const created = items.map((i) => i.createdAt);
      expect(created).toEqual([...created].sort());
    } finally {
      await live.close();
    }
  });

  it('gives the conversation to the researcher who claims it, refuses a second one, and lets an admin take it over', async () => {
    const [noura, sara] = [await researcher('Noura'), await researcher('Sara')];
    const { dl, handoff } = await waitingVisitor();
    const claim = await api(`/staff/api/handoffs/${handoff.id}/claim`, noura.cookie, { method: 'POST' });
    expect(claim.status).toBe(200);
    expect(await claim.json()).toMatchObject({ status: 'active', assignee: { id: noura.id, displayName: 'Noura' } });
    expect((await t().app.store.conversations.get(dl.conversationId))?.status).toBe('human');

    const second = await api(`/staff/api/handoffs/${handoff.id}/claim`, sara.cookie, { method: 'POST' });
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({ error: { code: 'AlreadyClaimed' } });
    expect((await api(`/staff/api/handoffs/${handoff.id}/claim`, sara.cookie, { method: 'POST', body: { force: true } })).status).toBe(403);

    const boss = await admin();
    const takeover = await api(`/staff/api/handoffs/${handoff.id}/claim`, boss.cookie, { method: 'POST', body: { force: true } });
    expect(await takeover.json()).toMatchObject({ status: 'active', assignee: { id: boss.id } });
    const mine = (await (await api('/staff/api/handoffs?mine=true', boss.cookie)).json()) as { items: { id: string }[] };
    expect(mine.items.map((i) => i.id)).toContain(handoff.id);
  });

  it('carries a reply to the visitor as the researcher\'s, and shows the visitor\'s answer in the transcript while the bot stays quiet', async () => {
    const noura = await researcher('Noura');
    const { dl, handoff } = await waitingVisitor();
    expect((await api(`/staff/api/handoffs/${handoff.id}/claim`, noura.cookie, { method: 'POST' })).status).toBe(200);

    const reply = 'وعليكم السلام، معك نورة من الجمعية. كيف أقدر أساعدك؟';
    const sent = await api(`/staff/api/handoffs/${handoff.id}/messages`, noura.cookie, { method: 'POST', body: { text: reply } });
    expect(sent.status).toBe(202);
    expect(await sent.json()).toEqual({ id: expect.any(String) });
    const delivered = await visitorSees(dl, reply);
    expect(delivered.from.role).toBe('bot');
    expect(JSON.stringify(delivered)).not.toContain(noura.id);

    const live = await openEvents(noura.cookie);
    try {
      expect(await dl.say('جزاك الله خير، عندي سؤال عن موعد المراجعة')).toEqual([]);
      await live.received('handoff.message', dl.conversationId);
    } finally {
      await live.close();
    }

    const detail = await api(`/staff/api/handoffs/${handoff.id}`, noura.cookie);
    expect(detail.status).toBe(200);
    const { messages } = (await detail.json()) as { messages: { seq: number; direction: string; author: unknown; text: string | null }[] };
    expect(messages.find((m) => m.text === reply)).toMatchObject({
      direction: 'outgoing',
      author: { kind: 'staff', staffId: noura.id },
      // Web chat's wire is the transcript: stored is sent.
      delivery: { state: 'sent', at: expect.any(String), error: null },
    });
    expect(messages.at(-1)).toMatchObject({ direction: 'incoming', author: { kind: 'beneficiary' }, text: 'جزاك الله خير، عندي سؤال عن موعد المراجعة', delivery: null });
    expect(messages.map((m) => m.seq)).toEqual([...messages.map((m) => m.seq)].sort((a, b) => a - b));
  });

  it('shows how far each outgoing message got, with the error code of a failed one but not the platform\'s id for it', async () => {
    const noura = await researcher('Noura');
    const { dl, handoff } = await waitingVisitor();
    const last = (await t().app.store.messages.list(dl.conversationId, { direction: 'outgoing' })).at(-1);
    if (!last) throw new Error('the bot said nothing');
    const failedAt = new Date('2026-03-01T08:00:00Z');
    await t().app.store.messages.setDelivery(dl.conversationId, last.seq, { state: 'failed', at: failedAt, platformId: 'wamid.not-for-staff', error: 'WHATSAPP 131026' });

    const res = await api(`/staff/api/handoffs/${handoff.id}`, noura.cookie);
    expect(res.status).toBe(200);
    const { messages } = (await res.json()) as { messages: { seq: number; direction: string; delivery: { state: string; at: string; error: string | null } | null }[] };
    expect(messages.find((m) => m.seq === last.seq)?.delivery).toEqual({ state: 'failed', at: failedAt.toISOString(), error: 'WHATSAPP 131026' });
    const others = messages.filter((m) => m.direction !== 'outgoing');
    expect(others.length).toBeGreaterThan(0);
    expect(others.map((m) => m.delivery)).toEqual(others.map(() => null));
    expect(JSON.stringify(messages)).not.toContain('wamid.not-for-staff');
  });

  it('lets only the assignee write, and claims a waiting conversation for whoever writes first', async () => {
    const [noura, sara] = [await researcher('Noura'), await researcher('Sara')];
    const { dl, handoff } = await waitingVisitor();
    const first = await api(`/staff/api/handoffs/${handoff.id}/messages`, sara.cookie, { method: 'POST', body: { text: 'أهلًا، معك سارة', id: 'msg-1' } });
    expect(first.status).toBe(202);
    expect(await first.json()).toEqual({ id: 'msg-1' });
    expect(await t().app.store.handoffs.get(handoff.id)).toMatchObject({ status: 'active', assigneeId: sara.id });
    const other = await api(`/staff/api/handoffs/${handoff.id}/messages`, noura.cookie, { method: 'POST', body: { text: 'وأنا نورة' } });
    expect(other.status).toBe(403);
    await visitorSees(dl, 'أهلًا، معك سارة');
  });

  it('resolves: the visitor is told, and their next message gets the bot\'s answer', async () => {
    const noura = await researcher('Noura');
    const { dl, handoff } = await waitingVisitor();
    await api(`/staff/api/handoffs/${handoff.id}/claim`, noura.cookie, { method: 'POST' });
    const live = await openEvents(noura.cookie);
    try {
      const res = await api(`/staff/api/handoffs/${handoff.id}/resolve`, noura.cookie, { method: 'POST' });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'resolved', resolvedAt: expect.any(String) });
      await live.received('handoff.resolved', dl.conversationId);
    } finally {
      await live.close();
    }
    expect((await t().app.store.conversations.get(dl.conversationId))?.status).toBe('bot');
    await visitorSees(dl, t().app.i18n.t('ar', 'handoff.resolved'));
    await dl.read();
    expect((await dl.say('السلام عليكم')).length).toBeGreaterThan(0);
    const again = await api(`/staff/api/handoffs/${handoff.id}/resolve`, noura.cookie, { method: 'POST' });
    expect(again.status).toBe(409);
    expect((await api(`/staff/api/handoffs/${handoff.id}/messages`, noura.cookie, { method: 'POST', body: { text: 'متأخر' } })).status).toBe(409);
  });

  it('releases back to the bot: the visitor is told they can ask for a person again, and the bot answers', async () => {
    const noura = await researcher('Noura');
    const { dl, handoff } = await waitingVisitor();
    await api(`/staff/api/handoffs/${handoff.id}/claim`, noura.cookie, { method: 'POST' });
    const res = await api(`/staff/api/handoffs/${handoff.id}/release`, noura.cookie, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'resolved' });
    const told = await visitorSees(dl, t().app.i18n.t('ar', 'handoff.released'));
    expect(told.text).toContain('«موظف»');
    await dl.read();
    expect((await dl.say('السلام عليكم')).length).toBeGreaterThan(0);
    const audit = await t().app.store.audit.list({ subjectType: 'handoff', subjectId: handoff.id });
    expect(audit.find((e) => e.action === 'handoff.released')?.details).toMatchObject({ outcome: 'back_to_bot' });
  });

  it('keeps a private note in the staff transcript and never shows it to the visitor, even after later messages', async () => {
    const [noura, sara] = [await researcher('Noura'), await researcher('Sara')];
    const { dl, handoff } = await waitingVisitor();
    await dl.read();
    const watermarkBefore = dl.watermark;
    const live = await openEvents(sara.cookie);
    const note = 'ملاحظة للزملاء: المستفيدة سبق أن راجعت الفرع';
    try {
      // Any colleague may leave a note, even on a conversation that is not theirs.
      const added = await api(`/staff/api/handoffs/${handoff.id}/notes`, sara.cookie, { method: 'POST', body: { text: note } });
      expect(added.status).toBe(201);
      await live.received('handoff.message', dl.conversationId);
    } finally {
      await live.close();
    }
    expect(await dl.read()).toEqual([]);
    expect(Number(dl.watermark)).toBeGreaterThan(Number(watermarkBefore));

    expect((await api(`/staff/api/handoffs/${handoff.id}/claim`, noura.cookie, { method: 'POST' })).status).toBe(200);
    const reply = 'أهلًا، معك نورة';
    await api(`/staff/api/handoffs/${handoff.id}/messages`, noura.cookie, { method: 'POST', body: { text: reply } });
    await visitorSees(dl, reply);
    await dl.say('شكرًا لك');

    const { activities } = (await (await dl.get('0')).json()) as { activities: WireActivity[] };
    expect(activities.map((a) => a.text)).toContain(reply);
    expect(JSON.stringify(activities)).not.toContain(note);

    const { messages } = (await (await api(`/staff/api/handoffs/${handoff.id}`, noura.cookie)).json()) as { messages: { text: string | null; private: boolean }[] };
    expect(messages.find((m) => m.text === note)).toMatchObject({ direction: 'activity', author: { kind: 'staff', staffId: sara.id }, private: true });
    expect(messages.find((m) => m.text === reply)).toMatchObject({ private: false });
  });

  it('refuses a note without text, too long, or with fields it does not know, with 400', async () => {
    const noura = await researcher('Noura');
    const { dl, handoff } = await waitingVisitor();
    const path = `/staff/api/handoffs/${handoff.id}/notes`;
    for (const body of [{}, { text: '   ' }, { text: 'x'.repeat(2001) }, { text: { $gt: '' } }, { text: 'ok', private: false }]) {
      const res = await api(path, noura.cookie, { method: 'POST', body });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'BadArgument' } });
    }
    expect((await api(path, null, { method: 'POST', body: { text: 'hi' } })).status).toBe(401);
    expect((await api('/staff/api/handoffs/no-such-id/notes', noura.cookie, { method: 'POST', body: { text: 'hi' } })).status).toBe(404);
    const transcript = await t().app.store.messages.list(dl.conversationId);
    expect(transcript.some((m) => m.direction === 'activity')).toBe(false);
  });

  it('shows the contact\'s support requests in the conversation, drafts left out', async () => {
    const noura = await researcher('Noura');
    const { dl, handoff } = await waitingVisitor();
    const contactId = (await t().app.store.conversations.get(dl.conversationId))?.contactId;
    if (!contactId) throw new Error('the conversation has no contact');
    const base = { contactId, conversationId: dl.conversationId, channel: 'webchat', answers: {}, declaration: null, applicantKeys: [] };
    const submitted = await t().app.store.supportRequests.create({ ...base, status: 'submitted', submittedAt: new Date(Date.now() - 20 * 24 * 3600 * 1000) });
    await t().app.store.supportRequests.create({ ...base, status: 'draft', submittedAt: null });

    const res = await api(`/staff/api/handoffs/${handoff.id}`, noura.cookie);
    const { requests } = (await res.json()) as { requests: unknown[] };
    expect(requests).toMatchObject([
      { id: submitted.id, reference: submitted.reference, status: 'submitted', submittedAt: expect.any(String), documentsMissing: 4, overdue: true },
    ]);
  });

  it('answers 401 without a session', async () => {
    const { handoff } = await waitingVisitor();
    expect((await api('/staff/api/handoffs', null)).status).toBe(401);
    expect((await api(`/staff/api/handoffs/${handoff.id}`, null)).status).toBe(401);
    expect((await api(`/staff/api/handoffs/${handoff.id}/claim`, null, { method: 'POST' })).status).toBe(401);
    expect((await api(`/staff/api/handoffs/${handoff.id}/messages`, null, { method: 'POST', body: { text: 'hi' } })).status).toBe(401);
    expect((await api('/staff/api/events', null)).status).toBe(401);
  });

  it('answers 400 naming the field for an object where the text belongs, and for a query value it does not know', async () => {
    const noura = await researcher('Noura');
    const { handoff } = await waitingVisitor();
    const injected = await api(`/staff/api/handoffs/${handoff.id}/messages`, noura.cookie, { method: 'POST', body: { text: { $gt: '' } } });
    expect(injected.status).toBe(400);
    expect(await injected.json()).toMatchObject({ error: { code: 'BadArgument', message: expect.stringContaining('text') } });
    expect((await api(`/staff/api/handoffs/${handoff.id}/messages`, noura.cookie, { method: 'POST', body: { text: 'x'.repeat(4001) } })).status).toBe(400);
    expect((await api(`/staff/api/handoffs/${handoff.id}/messages`, noura.cookie, { method: 'POST', body: { text: '   ' } })).status).toBe(400);
    const status = await api('/staff/api/handoffs?status=open', noura.cookie);
    expect(status.status).toBe(400);
    expect(((await status.json()) as { error: { message: string } }).error.message).toMatch(/status.*waiting/);
    expect((await api('/staff/api/handoffs?limit=0', noura.cookie)).status).toBe(400);
    expect((await api('/staff/api/handoffs/no-such-id', noura.cookie)).status).toBe(404);
    expect(await t().app.store.handoffs.get(handoff.id)).toMatchObject({ status: 'waiting' });
  });

  it('audits viewing, claiming, replying and resolving, as the staff member and with ids only', async () => {
    const noura = await researcher('Noura');
    const { handoff } = await waitingVisitor();
    await api(`/staff/api/handoffs/${handoff.id}`, noura.cookie);
    await api(`/staff/api/handoffs/${handoff.id}/claim`, noura.cookie, { method: 'POST' });
    await api(`/staff/api/handoffs/${handoff.id}/messages`, noura.cookie, { method: 'POST', body: { text: 'نص خاص لا يُحفظ في السجل' } });
    await api(`/staff/api/handoffs/${handoff.id}/notes`, noura.cookie, { method: 'POST', body: { text: 'ملاحظة سرية لا تُحفظ في السجل' } });
    await api(`/staff/api/handoffs/${handoff.id}/resolve`, noura.cookie, { method: 'POST' });
    const audit = await t().app.store.audit.list({ subjectType: 'handoff', subjectId: handoff.id });
    expect(audit.map((e) => e.action).sort()).toEqual(['handoff.claimed', 'handoff.note_added', 'handoff.replied', 'handoff.resolved', 'handoff.viewed']);
    expect(audit.every((e) => e.actor === `staff:${noura.id}`)).toBe(true);
    expect(JSON.stringify(audit)).not.toContain('نص خاص');
    expect(JSON.stringify(audit)).not.toContain('ملاحظة سرية');
  });
});
