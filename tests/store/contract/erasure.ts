import { describe, expect, it } from 'vitest';
import { ERASED_TEXT } from '../../../src/store/record-values.js';
import { activity, someConversation, type CurrentStore } from './helpers.js';

/** What the beneficiary's right to destruction needs from a store: find their records, erase them in place. */
export function erasureContract(store: CurrentStore): void {
  describe('erasure', () => {
    it("erases a conversation's transcript but keeps every seq, direction and delivery", async () => {
      const conversation = await someConversation(store());
      const other = await someConversation(store(), 'chat-2');
      await store().messages.append(conversation.id, {
        direction: 'incoming',
        author: { kind: 'beneficiary' },
        activity: { type: 'message', id: 'in-1', text: 'اسمي خالد', from: { id: 'u1', name: 'خالد', role: 'user' }, attachments: [{ name: 'هوية.pdf' }] },
        dedupeKey: 'in-1',
      });
      const delivery = { state: 'sent' as const, at: new Date(), platformId: 'p1', error: null };
      await store().messages.append(conversation.id, { direction: 'outgoing', author: { kind: 'bot' }, activity: { type: 'message', id: 'out-1', text: 'شكرًا', from: { id: 'bot', role: 'bot' } }, delivery });
      await store().messages.append(other.id, { direction: 'incoming', author: { kind: 'beneficiary' }, activity: activity('keep me') });

      expect(await store().messages.eraseConversation(conversation.id)).toBe(2);
      const [first, second] = await store().messages.list(conversation.id);
      expect(first).toMatchObject({ seq: 1, direction: 'incoming', dedupeKey: 'in-1' });
      expect(first?.activity).toEqual({ type: 'message', id: 'in-1', from: { id: 'u1', role: 'user' }, channelData: { erased: true } });
      expect(second).toMatchObject({ seq: 2, direction: 'outgoing', delivery: { state: 'sent', platformId: 'p1' } });
      expect(second?.activity).toEqual({ type: 'message', id: 'out-1', from: { id: 'bot', role: 'bot' }, channelData: { erased: true } });
      expect((await store().messages.list(other.id))[0]?.activity).toMatchObject({ text: 'keep me' });
      // The next message continues the numbering.
      const { message } = await store().messages.append(conversation.id, { direction: 'outgoing', author: { kind: 'bot' }, activity: activity('after') });
      expect(message.seq).toBe(3);
      expect(await store().messages.eraseConversation('no-such-conversation')).toBe(0);
    });

    it("lists one contact's conversations", async () => {
      const mine = await store().conversations.create({ channel: 'telegram', externalId: 'a', contactId: 'contact-1' });
      await store().conversations.create({ channel: 'telegram', externalId: 'b', contactId: 'contact-2' });
      const alsoMine = await store().conversations.create({ channel: 'directline', externalId: 'c', contactId: 'contact-1' });
      expect((await store().conversations.list({ contactId: 'contact-1' })).map((c) => c.id).sort()).toEqual([mine.id, alsoMine.id].sort());
    });

    it("lists and erases one contact's volunteer applications, keeping what statistics need", async () => {
      const base = { conversationId: 'c1', channel: 'webchat', phone: '+966500000001', city: 'dammam', field: 'other' as const, availability: 'weekends' };
      const mine = await store().volunteers.create({ ...base, contactId: 'contact-1', name: 'نورة العتيبي', fieldDetails: 'تصوير' });
      await store().volunteers.update(mine.id, { status: 'contacted', staffNote: 'اتصلت بنورة' });
      const theirs = await store().volunteers.create({ ...base, contactId: 'contact-2', name: 'سارة', fieldDetails: null });
      expect((await store().volunteers.list({ contactId: 'contact-1' })).map((v) => v.id)).toEqual([mine.id]);

      expect(await store().volunteers.eraseByContact('contact-1')).toBe(1);
      expect(await store().volunteers.get(mine.id)).toMatchObject({
        name: ERASED_TEXT,
        phone: ERASED_TEXT,
        fieldDetails: null,
        staffNote: null,
        status: 'contacted',
        city: 'dammam',
        field: 'other',
        createdAt: mine.createdAt,
      });
      expect(await store().volunteers.get(theirs.id)).toMatchObject({ name: 'سارة', phone: '+966500000001' });
      expect(await store().volunteers.eraseByContact('nobody')).toBe(0);
    });

    it("lists and erases one contact's suggestions and complaints, keeping reference, kind and status", async () => {
      const base = { conversationId: 'c1', channel: 'webchat', category: 'service' };
      const mine = await store().feedback.create({ ...base, contactId: 'contact-1', kind: 'complaint', text: 'تأخر الرد على طلبي' });
      await store().feedback.update(mine.id, { status: 'answered', reply: 'نعتذر يا خالد', repliedBy: 'staff-1', repliedAt: new Date() });
      const theirs = await store().feedback.create({ ...base, contactId: 'contact-2', kind: 'suggestion', text: 'ساعات أطول' });
      expect((await store().feedback.list({ contactId: 'contact-1' })).map((f) => f.id)).toEqual([mine.id]);

      expect(await store().feedback.eraseByContact('contact-1')).toBe(1);
      expect(await store().feedback.get(mine.id)).toMatchObject({
        reference: mine.reference,
        kind: 'complaint',
        status: 'answered',
        text: ERASED_TEXT,
        reply: null,
        repliedBy: 'staff-1',
      });
      expect(await store().feedback.get(theirs.id)).toMatchObject({ text: 'ساعات أطول' });
    });
  });
}
