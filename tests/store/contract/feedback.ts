import { describe, expect, it } from 'vitest';
import { REQUEST_REFERENCE_PATTERN } from '../../../src/store/record-values.js';
import type { FeedbackRepository } from '../../../src/store/types.js';
import { expectNotFound, laterTick, type CurrentStore } from './helpers.js';

type NewFeedback = Parameters<FeedbackRepository['create']>[0];

function feedback(overrides: Partial<NewFeedback> = {}): NewFeedback {
  return {
    contactId: 'contact-1',
    conversationId: 'conversation-1',
    channel: 'webchat',
    kind: 'complaint',
    category: 'service',
    text: 'انتظرت ساعتين في الفرع',
    ...overrides,
  };
}

export function feedbackContract(store: CurrentStore): void {
  const ids = async (filter: Parameters<FeedbackRepository['list']>[0]) => (await store().feedback.list(filter)).map((f) => f.id);

  describe('feedback', () => {
    it('creates open feedback with a reference like 4827-5396 and no reply, and finds it by id and reference', async () => {
      const created = await store().feedback.create(feedback({ kind: 'suggestion', category: 'digital', contactId: null }));
      expect(created.reference).toMatch(REQUEST_REFERENCE_PATTERN);
      expect(created).toMatchObject({
        ...feedback({ kind: 'suggestion', category: 'digital', contactId: null }),
        status: 'open',
        reply: null,
        repliedBy: null,
        repliedAt: null,
      });
      expect(await store().feedback.get(created.id)).toEqual(created);
      expect(await store().feedback.getByReference(created.reference)).toEqual(created);
      const unknown = created.reference === '2345-6789' ? '9876-5432' : '2345-6789';
      expect(await store().feedback.getByReference(unknown)).toBeNull();
      expect(await store().feedback.get('no-such-feedback')).toBeNull();
    });

    it('gives feedback distinct references', async () => {
      const references = (await Promise.all(Array.from({ length: 8 }, () => store().feedback.create(feedback())))).map((f) => f.reference);
      expect(new Set(references).size).toBe(8);
    });

    it('records a reply with who sent it and when, and keeps the beneficiary’s words', async () => {
      const created = await store().feedback.create(feedback());
      await laterTick();
      const repliedAt = new Date('2026-05-03T10:15:00.123Z');
      const sneaky = { text: 'changed', kind: 'suggestion', reference: '2222-2222' } as object;
      const answered = await store().feedback.update(created.id, {
        status: 'answered',
        reply: 'نعتذر، وقد أبلغنا إدارة الفرع',
        repliedBy: 'staff-1',
        repliedAt,
        ...sneaky,
      });
      expect(answered).toMatchObject({
        ...feedback(),
        reference: created.reference,
        status: 'answered',
        reply: 'نعتذر، وقد أبلغنا إدارة الفرع',
        repliedBy: 'staff-1',
        repliedAt,
      });
      expect(answered.repliedAt).toBeInstanceOf(Date);
      expect(answered.updatedAt.getTime()).toBeGreaterThan(created.updatedAt.getTime());
      expect(await store().feedback.get(created.id)).toEqual(answered);
    });

    it('rejects an update of unknown feedback with StoreNotFoundError', async () => {
      await expectNotFound(store().feedback.update('no-such-feedback', { status: 'answered' }));
    });

    it('lists open complaints first, then everything else newest first, with filters, paging and counts', async () => {
      const oldComplaint = await store().feedback.create(feedback());
      await laterTick();
      const suggestion = await store().feedback.create(feedback({ kind: 'suggestion', category: 'procedures' }));
      await laterTick();
      const answeredComplaint = await store().feedback.create(feedback({ category: 'staff' }));
      await laterTick();
      const newComplaint = await store().feedback.create(feedback({ category: 'digital' }));
      await laterTick();
      const newSuggestion = await store().feedback.create(feedback({ kind: 'suggestion' }));
      await store().feedback.update(answeredComplaint.id, { status: 'answered', reply: 'تم', repliedBy: 'staff-1', repliedAt: new Date() });

      expect(await ids({})).toEqual([newComplaint.id, oldComplaint.id, newSuggestion.id, answeredComplaint.id, suggestion.id]);
      expect(await ids({ kind: 'complaint' })).toEqual([newComplaint.id, oldComplaint.id, answeredComplaint.id]);
      expect(await ids({ kind: 'suggestion' })).toEqual([newSuggestion.id, suggestion.id]);
      expect(await ids({ status: 'open' })).toEqual([newComplaint.id, oldComplaint.id, newSuggestion.id, suggestion.id]);
      expect(await ids({ status: 'answered' })).toEqual([answeredComplaint.id]);
      expect(await ids({ limit: 2, offset: 1 })).toEqual([oldComplaint.id, newSuggestion.id]);
      expect(await ids({ limit: 1 })).toEqual([newComplaint.id]);

      // Answering a complaint takes it out of the top.
      await store().feedback.update(oldComplaint.id, { status: 'answered' });
      expect(await ids({ kind: 'complaint' })).toEqual([newComplaint.id, answeredComplaint.id, oldComplaint.id]);

      const filters: Parameters<FeedbackRepository['count']>[0][] = [
        {},
        { kind: 'complaint' },
        { kind: 'suggestion' },
        { status: 'open' },
        { status: 'answered' },
        { kind: 'complaint', status: 'open' },
      ];
      for (const filter of filters) {
        expect(await store().feedback.count(filter), JSON.stringify(filter)).toBe((await store().feedback.list(filter)).length);
      }
      expect(await store().feedback.count({ kind: 'complaint', status: 'open' })).toBe(1);
      expect(await store().feedback.count({})).toBe(5);
    });
  });
}
