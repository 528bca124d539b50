import { describe, expect, it } from 'vitest';
import { expectConflict, expectNotFound, laterTick, someConversation, type CurrentStore } from './helpers.js';

export function handoffContract(store: CurrentStore): void {
  describe('handoffs', () => {
    it('creates a waiting, unassigned handoff', async () => {
      const conversation = await someConversation(store());
      const created = await store().handoffs.create({ conversationId: conversation.id, contactId: null, reason: 'asked_for_person' });
      expect(created).toMatchObject({ status: 'waiting', assigneeId: null, claimedAt: null, resolvedAt: null, reason: 'asked_for_person' });
      expect(await store().handoffs.get(created.id)).toEqual(created);
    });

    it('lets exactly one of two people claim a waiting handoff at the same time', async () => {
      const conversation = await someConversation(store());
      const created = await store().handoffs.create({ conversationId: conversation.id, contactId: null, reason: 'asked_for_person' });
      const [a, b] = await Promise.all([store().handoffs.claim(created.id, 'staff-a', null), store().handoffs.claim(created.id, 'staff-b', null)]);
      expect([a, b].filter((r) => r !== null)).toHaveLength(1);
      const winner = (a ?? b)?.assigneeId;
      expect(await store().handoffs.get(created.id)).toMatchObject({ status: 'active', assigneeId: winner, claimedAt: expect.any(Date) });
    });

    it('takes a handoff over only from the assignee expected, keeping the first claim time, and never a resolved one', async () => {
      const conversation = await someConversation(store());
      const created = await store().handoffs.create({ conversationId: conversation.id, contactId: null, reason: 'asked_for_person' });
      const first = await store().handoffs.claim(created.id, 'staff-a', null);
      expect(await store().handoffs.claim(created.id, 'staff-c', 'staff-b')).toBeNull();
      const taken = await store().handoffs.claim(created.id, 'staff-c', 'staff-a');
      expect(taken).toMatchObject({ assigneeId: 'staff-c', claimedAt: first?.claimedAt });
      await store().handoffs.update(created.id, { status: 'resolved', resolvedAt: new Date() });
      expect(await store().handoffs.claim(created.id, 'staff-d', 'staff-c')).toBeNull();
    });

    it('finds the open handoff of a conversation until it is resolved', async () => {
      const conversation = await someConversation(store());
      const created = await store().handoffs.create({ conversationId: conversation.id, contactId: 'contact-1', reason: 'fallback' });
      expect(await store().handoffs.findOpenByConversation(conversation.id)).toEqual(created);
      const claimed = await store().handoffs.update(created.id, { status: 'active', assigneeId: 'staff-1', claimedAt: new Date() });
      expect(await store().handoffs.findOpenByConversation(conversation.id)).toEqual(claimed);
      await store().handoffs.update(created.id, { status: 'resolved', resolvedAt: new Date() });
      expect(await store().handoffs.findOpenByConversation(conversation.id)).toBeNull();
    });

    it('lists waiting handoffs oldest first', async () => {
      const conversation = await someConversation(store());
      const create = () => store().handoffs.create({ conversationId: conversation.id, contactId: null, reason: 'r' });
      const first = await create();
      await laterTick();
      const second = await create();
      await laterTick();
      const third = await create();
      await store().handoffs.update(second.id, { status: 'active', assigneeId: 'staff-1' });
      expect((await store().handoffs.list({ status: 'waiting' })).map((h) => h.id)).toEqual([first.id, third.id]);
      expect((await store().handoffs.list({})).map((h) => h.id)).toEqual([first.id, second.id, third.id]);
      expect((await store().handoffs.list({ assigneeId: 'staff-1' })).map((h) => h.id)).toEqual([second.id]);
    });

    it('rejects an update of an unknown handoff with StoreNotFoundError', async () => {
      await expectNotFound(store().handoffs.update('no-such-handoff', { status: 'resolved' }));
    });
  });
}

export function surveyContract(store: CurrentStore): void {
  const survey = (contactId: string | null, milestone: string) => ({
    contactId,
    conversationId: 'conversation-1',
    milestone,
    channel: 'telegram',
    staffId: 'staff-1',
    rating: null,
    comment: null,
    sentAt: new Date(),
    answeredAt: null,
    followUp: null,
  });

  describe('surveys', () => {
    it('creates a survey and records the answer', async () => {
      const created = await store().surveys.create(survey('contact-1', 'handoff:1'));
      expect(await store().surveys.get(created.id)).toEqual(created);
      const answered = await store().surveys.update(created.id, { rating: 5, comment: 'شكراً جزيلاً', answeredAt: new Date() });
      expect(answered).toMatchObject({ rating: 5, comment: 'شكراً جزيلاً', milestone: 'handoff:1' });
      expect(await store().surveys.get(created.id)).toEqual(answered);
    });

    it('refuses a second survey for the same contact and milestone', async () => {
      await store().surveys.create(survey('contact-1', 'handoff:1'));
      await expectConflict(store().surveys.create(survey('contact-1', 'handoff:1')));
    });

    it('allows the same milestone for another contact or another milestone for the same contact', async () => {
      await store().surveys.create(survey('contact-1', 'handoff:1'));
      await store().surveys.create(survey('contact-2', 'handoff:1'));
      await store().surveys.create(survey('contact-1', 'handoff:2'));
      expect(await store().surveys.list({})).toHaveLength(3);
    });

    it('lists surveys newest first, by contact and by whether they were answered', async () => {
      const a = await store().surveys.create(survey('contact-1', 'm1'));
      await laterTick();
      const b = await store().surveys.create(survey('contact-2', 'm1'));
      await laterTick();
      const c = await store().surveys.create(survey('contact-1', 'm2'));
      await store().surveys.update(a.id, { rating: 4, answeredAt: new Date() });
      const ids = async (filter: Parameters<ReturnType<CurrentStore>['surveys']['list']>[0]) =>
        (await store().surveys.list(filter)).map((s) => s.id);
      expect(await ids({})).toEqual([c.id, b.id, a.id]);
      expect(await ids({ contactId: 'contact-1' })).toEqual([c.id, a.id]);
      expect(await ids({ answered: true })).toEqual([a.id]);
      expect(await ids({ answered: false })).toEqual([c.id, b.id]);
    });

    it('rejects an update of an unknown survey with StoreNotFoundError', async () => {
      await expectNotFound(store().surveys.update('no-such-survey', { rating: 1 }));
    });
  });
}

export function auditContract(store: CurrentStore): void {
  describe('audit', () => {
    it('records an event with the given time and details', async () => {
      const at = new Date('2026-03-01T10:00:00.000Z');
      const details = { from: 'submitted', to: 'accepted', fields: ['status'] };
      const event = await store().audit.record({ actor: 'staff:1', action: 'request.status_changed', subjectType: 'support_request', subjectId: 'r1', details, at });
      expect(event).toMatchObject({ at, details, actor: 'staff:1' });
      expect(await store().audit.list({})).toEqual([event]);
    });

    it('keeps empty details as an empty object', async () => {
      await store().audit.record({ actor: 'system', action: 'store.opened', subjectType: 'store', subjectId: 'main', details: {} });
      expect((await store().audit.list({}))[0]?.details).toEqual({});
    });

    it('lists events newest first, filtered by subject and actor', async () => {
      const record = (actor: string, subjectId: string, at: string) =>
        store().audit.record({ actor, action: 'x', subjectType: 'conversation', subjectId, details: {}, at: new Date(at) });
      const e1 = await record('staff:1', 'c1', '2026-01-01T00:00:00Z');
      const e2 = await record('staff:2', 'c1', '2026-01-03T00:00:00Z');
      const e3 = await record('staff:1', 'c2', '2026-01-02T00:00:00Z');
      const ids = async (filter: Parameters<ReturnType<CurrentStore>['audit']['list']>[0]) =>
        (await store().audit.list(filter)).map((e) => e.id);
      expect(await ids({})).toEqual([e2.id, e3.id, e1.id]);
      expect(await ids({ subjectType: 'conversation', subjectId: 'c1' })).toEqual([e2.id, e1.id]);
      expect(await ids({ actor: 'staff:1' })).toEqual([e3.id, e1.id]);
      expect(await ids({ offset: 1, limit: 1 })).toEqual([e3.id]);
    });
  });
}
