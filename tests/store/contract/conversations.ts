import { describe, expect, it } from 'vitest';
import type { MessageAuthor } from '../../../src/store/types.js';
import { activity, expectConflict, expectNotFound, laterTick, someConversation, type CurrentStore } from './helpers.js';

const beneficiary: MessageAuthor = { kind: 'beneficiary' };

export function conversationContract(store: CurrentStore): void {
  describe('conversations', () => {
    it('creates a conversation in bot status with empty state and no messages', async () => {
      const created = await someConversation(store());
      expect(created).toMatchObject({
        channel: 'telegram',
        externalId: 'chat-1',
        status: 'bot',
        contactId: null,
        locale: null,
        state: null,
        reference: null,
        tokenHash: null,
        tokenExpiresAt: null,
        processedSeq: 0,
        lastSeq: 0,
        erasedAt: null,
      });
      expect(await store().conversations.get(created.id)).toEqual(created);
    });

    it('keeps the erasure mark as given, through later updates and on every read', async () => {
      const created = await store().conversations.create({ channel: 'telegram', externalId: 'erased-1', contactId: 'contact-1' });
      const erasedAt = new Date('2026-03-01T09:30:00.123Z');
      const marked = await store().conversations.update(created.id, { erasedAt });
      expect(marked.erasedAt).toEqual(erasedAt);
      // A turn saved afterwards (state, status, seq) leaves the mark alone.
      const later = await store().conversations.update(created.id, { state: { step: 1 }, status: 'waiting', processedSeq: 0 });
      expect(later.erasedAt).toEqual(erasedAt);
      expect(await store().conversations.get(created.id)).toEqual(later);
      expect(await store().conversations.findByExternal('telegram', 'erased-1')).toEqual(later);
      expect((await store().conversations.list({ contactId: 'contact-1' }))[0]?.erasedAt).toEqual(erasedAt);
      // Stamped again by a second erasure; cleared only if explicitly set so.
      const again = new Date('2026-04-01T00:00:00.000Z');
      expect((await store().conversations.update(created.id, { erasedAt: again })).erasedAt).toEqual(again);
      expect((await store().conversations.update(created.id, { erasedAt: null })).erasedAt).toBeNull();
    });

    it('refuses a second conversation with the same channel and external id', async () => {
      await someConversation(store(), 'chat-1');
      await expectConflict(someConversation(store(), 'chat-1'));
    });

    it('allows the same external id on another channel', async () => {
      await store().conversations.create({ channel: 'telegram', externalId: 'x' });
      const other = await store().conversations.create({ channel: 'webchat', externalId: 'x' });
      expect(await store().conversations.findByExternal('webchat', 'x')).toEqual(other);
    });

    it('finds a conversation by channel and external id', async () => {
      const created = await someConversation(store(), 'chat-9');
      expect(await store().conversations.findByExternal('telegram', 'chat-9')).toEqual(created);
      expect(await store().conversations.findByExternal('telegram', 'chat-10')).toBeNull();
    });

    it('finds a conversation by its token hash', async () => {
      const tokenExpiresAt = new Date(Date.now() + 3_600_000);
      const created = await store().conversations.create({ channel: 'directline', externalId: 'dl-1', tokenHash: 'a'.repeat(64), tokenExpiresAt });
      await store().conversations.create({ channel: 'directline', externalId: 'dl-2' });
      expect(await store().conversations.findByTokenHash('a'.repeat(64))).toEqual({ id: created.id, channel: 'directline', tokenExpiresAt });
      expect(await store().conversations.findByTokenHash('b'.repeat(64))).toBeNull();
    });

    it('keeps flow state and the conversation reference as given', async () => {
      const created = await someConversation(store());
      const state = { flow: 'apply', step: 2, answers: { nationalId: '1098765432', children: 0 }, tags: ['a', 'b'] };
      const reference = { conversation: { id: 'chat-1' }, serviceUrl: 'https://example.test', bot: { id: 'bot' } };
      const updated = await store().conversations.update(created.id, { state, reference, status: 'waiting', locale: 'ar' });
      expect(updated).toMatchObject({ state, reference, status: 'waiting', locale: 'ar' });
      expect(await store().conversations.get(created.id)).toEqual(updated);
    });

    it('updates only the given fields and leaves lastSeq to the transcript', async () => {
      const created = await someConversation(store());
      await store().messages.append(created.id, { direction: 'incoming', author: beneficiary, activity: activity('hi') });
      const updated = await store().conversations.update(created.id, { processedSeq: 1 });
      expect(updated).toMatchObject({ processedSeq: 1, lastSeq: 1, status: 'bot', externalId: 'chat-1' });
    });

    it('rejects an update of an unknown conversation with StoreNotFoundError', async () => {
      await expectNotFound(store().conversations.update('no-such-conversation', { status: 'human' }));
    });

    it('lists conversations newest first, filtered by status and channel', async () => {
      const first = await store().conversations.create({ channel: 'telegram', externalId: '1' });
      await laterTick();
      const second = await store().conversations.create({ channel: 'webchat', externalId: '2', status: 'waiting' });
      await laterTick();
      const third = await store().conversations.create({ channel: 'telegram', externalId: '3', status: 'waiting' });
      const ids = async (filter: Parameters<ReturnType<CurrentStore>['conversations']['list']>[0]) =>
        (await store().conversations.list(filter)).map((c) => c.id);
      expect(await ids({})).toEqual([third.id, second.id, first.id]);
      expect(await ids({ status: 'waiting' })).toEqual([third.id, second.id]);
      expect(await ids({ channel: 'telegram' })).toEqual([third.id, first.id]);
      expect(await ids({ limit: 1, offset: 1 })).toEqual([second.id]);
    });

    it('lists conversations whose incoming messages were stored but never handled, least recently updated first', async () => {
      const { conversations, messages } = store();
      const handled = await conversations.create({ channel: 'telegram', externalId: 'handled' });
      const { message } = await messages.append(handled.id, { direction: 'incoming', author: beneficiary, activity: activity('hi') });
      await conversations.update(handled.id, { processedSeq: message.seq });
      // A reply after the handled message is no message waiting for its turn.
      await messages.append(handled.id, { direction: 'outgoing', author: { kind: 'bot' }, activity: activity('hello') });
      const older = await conversations.create({ channel: 'telegram', externalId: 'older' });
      await messages.append(older.id, { direction: 'incoming', author: beneficiary, activity: activity('one') });
      await laterTick();
      const cutoff = new Date();
      await laterTick();
      const newer = await conversations.create({ channel: 'whatsapp', externalId: 'newer' });
      await messages.append(newer.id, { direction: 'incoming', author: beneficiary, activity: activity('two') });

      expect(await conversations.listUnhandled({ limit: 10 })).toEqual([older.id, newer.id]);
      expect(await conversations.listUnhandled({ limit: 1 })).toEqual([older.id]);
      expect(await conversations.listUnhandled({ limit: 10, updatedSince: cutoff })).toEqual([newer.id]);
      expect(await conversations.listUnhandled({ limit: 10, channels: ['whatsapp'] })).toEqual([newer.id]);
      expect(await conversations.listUnhandled({ limit: 10, channels: [] })).toEqual([]);
      expect(await conversations.listUnhandled({ limit: 10, storedBefore: cutoff })).toEqual([older.id]);
      await conversations.update(older.id, { processedSeq: 1 });
      expect(await conversations.listUnhandled({ limit: 10 })).toEqual([newer.id]);
    });
  });
}

export function messageContract(store: CurrentStore): void {
  describe('messages', () => {
    it('gives each appended message the next seq, in order', async () => {
      const conversation = await someConversation(store());
      const seqs: number[] = [];
      for (const text of ['one', 'two', 'three']) {
        const { message, duplicate } = await store().messages.append(conversation.id, { direction: 'incoming', author: beneficiary, activity: activity(text) });
        expect(duplicate).toBe(false);
        seqs.push(message.seq);
      }
      expect(seqs).toEqual([1, 2, 3]);
      expect((await store().conversations.get(conversation.id))?.lastSeq).toBe(3);
      expect((await store().messages.list(conversation.id)).map((m) => m.activity['text'])).toEqual(['one', 'two', 'three']);
    });

    it('numbers each conversation on its own', async () => {
      const a = await someConversation(store(), 'a');
      const b = await someConversation(store(), 'b');
      await store().messages.append(a.id, { direction: 'incoming', author: beneficiary, activity: activity('a1') });
      const { message } = await store().messages.append(b.id, { direction: 'incoming', author: beneficiary, activity: activity('b1') });
      expect(message.seq).toBe(1);
    });

    it('returns the earlier message for a repeated dedupe key and writes nothing', async () => {
      const conversation = await someConversation(store());
      const input = { direction: 'incoming' as const, author: beneficiary, activity: activity('hello'), dedupeKey: 'tg-1001' };
      const first = await store().messages.append(conversation.id, input);
      const again = await store().messages.append(conversation.id, { ...input, activity: activity('hello again') });
      expect(again).toEqual({ message: first.message, duplicate: true });
      expect(await store().messages.list(conversation.id)).toHaveLength(1);
      expect((await store().conversations.get(conversation.id))?.lastSeq).toBe(1);
    });

    it('accepts the same dedupe key in another conversation', async () => {
      const a = await someConversation(store(), 'a');
      const b = await someConversation(store(), 'b');
      const input = { direction: 'incoming' as const, author: beneficiary, activity: activity('x'), dedupeKey: 'same' };
      await store().messages.append(a.id, input);
      expect((await store().messages.append(b.id, input)).duplicate).toBe(false);
    });

    it('never treats messages without a dedupe key as duplicates', async () => {
      const conversation = await someConversation(store());
      const input = { direction: 'outgoing' as const, author: { kind: 'bot' as const }, activity: activity('same text') };
      await store().messages.append(conversation.id, input);
      await store().messages.append(conversation.id, { ...input, dedupeKey: null });
      expect(await store().messages.list(conversation.id)).toHaveLength(2);
    });

    it('gives concurrent appends distinct consecutive seqs', async () => {
      const conversation = await someConversation(store());
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store().messages.append(conversation.id, { direction: 'incoming', author: beneficiary, activity: activity(`m${i}`) }),
        ),
      );
      expect(results.map((r) => r.message.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect((await store().conversations.get(conversation.id))?.lastSeq).toBe(20);
    });

    it('never lists a message before every earlier one, so a drain cannot step past one still being written', async () => {
      const conversation = await someConversation(store());
      let writing = true;
      const seen: number[][] = [];
      const watching = (async () => {
        while (writing) seen.push((await store().messages.list(conversation.id, { direction: 'incoming' })).map((m) => m.seq));
      })();
      await Promise.all(
        Array.from({ length: 30 }, (_, i) => store().messages.append(conversation.id, { direction: 'incoming', author: beneficiary, activity: activity(`burst ${i}`) })),
      );
      writing = false;
      await watching;
      seen.push((await store().messages.list(conversation.id, { direction: 'incoming' })).map((m) => m.seq));
      // Every read is 1, 2, …, k: no message was visible while one before it was not.
      for (const seqs of seen) expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      expect(seen.at(-1)).toHaveLength(30);
    });

    it('writes a message once when the same dedupe key arrives concurrently', async () => {
      const conversation = await someConversation(store());
      const input = { direction: 'incoming' as const, author: beneficiary, activity: activity('once'), dedupeKey: 'wa-77' };
      const results = await Promise.all([1, 2, 3, 4].map(() => store().messages.append(conversation.id, input)));
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
      expect(new Set(results.map((r) => r.message.seq)).size).toBe(1);
      expect(await store().messages.list(conversation.id)).toHaveLength(1);
    });

    it('lists messages after a seq, by direction and up to a limit', async () => {
      const conversation = await someConversation(store());
      const staff: MessageAuthor = { kind: 'staff', staffId: 'staff-1' };
      await store().messages.append(conversation.id, { direction: 'incoming', author: beneficiary, activity: activity('q1') });
      await store().messages.append(conversation.id, { direction: 'outgoing', author: staff, activity: activity('a1') });
      await store().messages.append(conversation.id, { direction: 'incoming', author: beneficiary, activity: activity('q2') });
      await store().messages.append(conversation.id, { direction: 'activity', author: { kind: 'system' }, activity: { type: 'typing' } });
      const seqs = async (options: Parameters<ReturnType<CurrentStore>['messages']['list']>[1]) =>
        (await store().messages.list(conversation.id, options)).map((m) => m.seq);
      expect(await seqs({ afterSeq: 1 })).toEqual([2, 3, 4]);
      expect(await seqs({ direction: 'incoming' })).toEqual([1, 3]);
      expect(await seqs({ afterSeq: 1, limit: 2 })).toEqual([2, 3]);
      const [reply] = await store().messages.list(conversation.id, { direction: 'outgoing' });
      expect(reply).toMatchObject({ author: staff, activity: activity('a1'), dedupeKey: null });
    });

    it('rejects an append to an unknown conversation with StoreNotFoundError', async () => {
      await expectNotFound(store().messages.append('no-such-conversation', { direction: 'incoming', author: beneficiary, activity: activity('x') }));
    });
  });
}
