import { describe, expect, it } from 'vitest';
import type { Page, SurveyFilter, SurveyFollowUp } from '../../../src/store/types.js';
import { expectNotFound, laterTick, type CurrentStore } from './helpers.js';

export function contactPreferencesContract(store: CurrentStore): void {
  describe('contact preferences', () => {
    it('gives a new contact surveys and reminders', async () => {
      const created = await store().contacts.create({ locale: 'ar', displayName: null });
      expect(created.preferences).toEqual({ surveys: true, reminders: true });
      expect((await store().contacts.get(created.id))?.preferences).toEqual({ surveys: true, reminders: true });
    });

    it('replaces the preferences as a whole and keeps the other fields', async () => {
      const created = await store().contacts.create({ locale: 'ar', displayName: 'أم محمد' });
      const stopped = await store().contacts.update(created.id, { preferences: { surveys: false, reminders: true } });
      expect(stopped).toMatchObject({ displayName: 'أم محمد', locale: 'ar', preferences: { surveys: false, reminders: true } });
      expect(await store().contacts.get(created.id)).toEqual(stopped);

      const both = await store().contacts.update(created.id, { preferences: { surveys: true, reminders: false } });
      expect(both.preferences).toEqual({ surveys: true, reminders: false });
      const other = await store().contacts.update(created.id, { locale: 'en' });
      expect(other.preferences).toEqual({ surveys: true, reminders: false });
    });

    it('keeps its own copy of the preferences it was given', async () => {
      const created = await store().contacts.create({ locale: null, displayName: null });
      const preferences = { surveys: false, reminders: false };
      const updated = await store().contacts.update(created.id, { preferences });
      preferences.surveys = true;
      expect(updated.preferences).toEqual({ surveys: false, reminders: false });
      expect((await store().contacts.get(created.id))?.preferences).toEqual({ surveys: false, reminders: false });
    });
  });
}

export function surveyFollowUpContract(store: CurrentStore): void {
  const survey = (contactId: string | null, milestone: string, sentAt = new Date()) => ({
    contactId,
    conversationId: 'conversation-1',
    milestone,
    channel: 'telegram',
    staffId: 'staff-1',
    rating: null,
    comment: null,
    sentAt,
    answeredAt: null,
    followUp: null,
  });
  const opened = (openedAt = new Date('2026-02-01T10:00:00.000Z')): SurveyFollowUp => ({ state: 'open', openedAt, doneBy: null, doneAt: null, note: null });
  const ids = async (filter: SurveyFilter & Page) => (await store().surveys.list(filter)).map((s) => s.id);

  describe('survey follow-ups', () => {
    it('creates a survey without a follow-up', async () => {
      const created = await store().surveys.create(survey('contact-1', 'handoff:1'));
      expect(created.followUp).toBeNull();
      expect(await store().surveys.get(created.id)).toEqual(created);
    });

    it('opens a follow-up on a low rating and closes it with a note', async () => {
      const created = await store().surveys.create(survey('contact-1', 'handoff:1'));
      const openedAt = new Date('2026-02-01T10:00:00.123Z');
      const open = await store().surveys.update(created.id, { rating: 1, answeredAt: openedAt, followUp: opened(openedAt) });
      expect(open).toMatchObject({ rating: 1, followUp: { state: 'open', openedAt, doneBy: null, doneAt: null, note: null } });
      expect(await store().surveys.get(created.id)).toEqual(open);

      const doneAt = new Date('2026-02-02T08:30:00.456Z');
      const note = 'اتصلت بها؛ الموعد تأخر بسبب نقص التقرير الطبي';
      const done = await store().surveys.update(created.id, { followUp: { state: 'done', openedAt, doneBy: 'staff-2', doneAt, note } });
      expect(done.followUp).toEqual({ state: 'done', openedAt, doneBy: 'staff-2', doneAt, note });
      expect(done).toMatchObject({ rating: 1, milestone: 'handoff:1', answeredAt: openedAt });
      const read = await store().surveys.get(created.id);
      expect(read).toEqual(done);
      expect(read?.followUp?.openedAt).toBeInstanceOf(Date);
      expect(read?.followUp?.doneAt).toBeInstanceOf(Date);
    });

    it('keeps the follow-up through updates of other fields, and drops it when set to null', async () => {
      const created = await store().surveys.create({ ...survey('contact-1', 'handoff:1'), followUp: opened() });
      expect(created.followUp).toEqual(opened());
      const commented = await store().surveys.update(created.id, { comment: 'بطيء' });
      expect(commented.followUp).toEqual(opened());
      const cleared = await store().surveys.update(created.id, { followUp: null });
      expect(cleared.followUp).toBeNull();
      expect(await store().surveys.get(created.id)).toEqual(cleared);
    });

    it('keeps its own copy of the follow-up it was given', async () => {
      const created = await store().surveys.create(survey('contact-1', 'handoff:1'));
      const followUp = opened();
      await store().surveys.update(created.id, { followUp });
      followUp.note = 'changed afterwards';
      expect((await store().surveys.get(created.id))?.followUp?.note).toBeNull();
    });

    it('lists by sent time (since inclusive, until exclusive), follow-up state and milestone, newest first', async () => {
      const at = (day: number) => new Date(Date.UTC(2026, 2, day, 12));
      const a = await store().surveys.create(survey('contact-1', 'handoff:1', at(1)));
      const b = await store().surveys.create(survey('contact-2', 'handoff:1', at(2)));
      const c = await store().surveys.create(survey('contact-1', 'request:accepted', at(3)));
      const d = await store().surveys.create(survey('contact-3', 'handoff:1', at(4)));
      await store().surveys.update(a.id, { rating: 2, answeredAt: at(1), followUp: opened(at(1)) });
      await store().surveys.update(c.id, { rating: 1, answeredAt: at(3), followUp: opened(at(3)) });
      await store().surveys.update(b.id, { rating: 1, answeredAt: at(2), followUp: { ...opened(at(2)), state: 'done', doneBy: 'staff-1', doneAt: at(3), note: 'تم' } });

      expect(await ids({})).toEqual([d.id, c.id, b.id, a.id]);
      expect(await ids({ since: at(2) })).toEqual([d.id, c.id, b.id]);
      expect(await ids({ until: at(3) })).toEqual([b.id, a.id]);
      expect(await ids({ since: at(2), until: at(4) })).toEqual([c.id, b.id]);
      expect(await ids({ followUp: 'open' })).toEqual([c.id, a.id]);
      expect(await ids({ followUp: 'done' })).toEqual([b.id]);
      expect(await ids({ milestone: 'handoff:1' })).toEqual([d.id, b.id, a.id]);
      expect(await ids({ milestone: 'handoff' })).toEqual([]);
      expect(await ids({ milestone: 'handoff:1', followUp: 'open', since: at(1), until: at(2) })).toEqual([a.id]);
      expect(await ids({ contactId: 'contact-1', followUp: 'open' })).toEqual([c.id, a.id]);
      expect(await ids({ answered: false, milestone: 'handoff:1' })).toEqual([d.id]);
      expect(await ids({ followUp: 'open', limit: 1, offset: 1 })).toEqual([a.id]);
    });

    it('counts what list returns for the same filter, without paging', async () => {
      const at = (day: number) => new Date(Date.UTC(2026, 3, day, 12));
      for (const [i, milestone] of ['handoff:1', 'handoff:2', 'request:accepted', 'handoff:1'].entries()) {
        const created = await store().surveys.create(survey(`contact-${i}`, milestone, at(i + 1)));
        if (i % 2 === 0) await store().surveys.update(created.id, { rating: 1, answeredAt: at(i + 1), followUp: opened(at(i + 1)) });
        await laterTick();
      }
      const filters: SurveyFilter[] = [
        {},
        { since: at(2) },
        { until: at(3) },
        { since: at(2), until: at(4) },
        { followUp: 'open' },
        { followUp: 'done' },
        { milestone: 'handoff:1' },
        { milestone: 'handoff:1', followUp: 'open' },
        { answered: true },
        { answered: false, since: at(2) },
        { contactId: 'contact-2' },
      ];
      for (const filter of filters) {
        expect(await store().surveys.count(filter), JSON.stringify(filter)).toBe((await store().surveys.list(filter)).length);
      }
      expect(await store().surveys.count({})).toBe(4);
      expect(await store().surveys.count({ followUp: 'open' })).toBe(2);
      expect(await store().surveys.count({ since: at(5) })).toBe(0);
    });

    it('rejects a follow-up on an unknown survey with StoreNotFoundError', async () => {
      await expectNotFound(store().surveys.update('no-such-survey', { followUp: opened() }));
    });
  });
}
