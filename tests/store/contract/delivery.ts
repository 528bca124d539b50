import { describe, expect, it } from 'vitest';
import type { DeliveryState, MessageDelivery, Store } from '../../../src/store/types.js';
import { activity, someConversation, type CurrentStore } from './helpers.js';

const bot = { kind: 'bot' as const };

function delivery(state: DeliveryState, extra: Partial<MessageDelivery> = {}): MessageDelivery {
  return { state, at: new Date(), platformId: null, error: null, ...extra };
}

/** An outgoing message waiting to be sent, as the turn runner writes it. */
async function pendingReply(store: Store, conversationId: string, text = 'reply') {
  const { message } = await store.messages.append(conversationId, { direction: 'outgoing', author: bot, activity: activity(text), delivery: delivery('pending') });
  return message;
}

export function deliveryContract(store: CurrentStore): void {
  describe('message delivery', () => {
    it('starts an outgoing message without a delivery unless one is given, and keeps the one given', async () => {
      const conversation = await someConversation(store());
      const at = new Date('2026-03-01T08:00:00.250Z');
      const { message: plain } = await store().messages.append(conversation.id, { direction: 'outgoing', author: bot, activity: activity('a') });
      const { message: given } = await store().messages.append(conversation.id, {
        direction: 'outgoing',
        author: bot,
        activity: activity('b'),
        delivery: { state: 'pending', at, platformId: null, error: null },
      });
      expect(plain.delivery).toBeNull();
      expect(given.delivery).toEqual({ state: 'pending', at, platformId: null, error: null });
      const listed = await store().messages.list(conversation.id);
      expect(listed.map((m) => m.delivery)).toEqual([null, { state: 'pending', at, platformId: null, error: null }]);
      expect(listed[1]?.delivery?.at).toBeInstanceOf(Date);
    });

    it('keeps the first delivery when an outgoing message is appended again under its dedupe key', async () => {
      const conversation = await someConversation(store());
      const input = { direction: 'outgoing' as const, author: bot, activity: activity('once'), dedupeKey: 'out:activity-1', delivery: delivery('pending') };
      const first = await store().messages.append(conversation.id, input);
      await store().messages.setDelivery(conversation.id, first.message.seq, delivery('sent', { platformId: 'p-1' }));
      const again = await store().messages.append(conversation.id, input);
      expect(again.duplicate).toBe(true);
      expect(again.message.delivery).toMatchObject({ state: 'sent', platformId: 'p-1' });
      expect(await store().messages.list(conversation.id)).toHaveLength(1);
    });

    it('moves a delivery forward from pending to sent, delivered and read, keeping the platform id', async () => {
      const conversation = await someConversation(store());
      const reply = await pendingReply(store(), conversation.id);
      const sentAt = new Date('2026-03-01T08:00:01Z');
      const sent = await store().messages.setDelivery(conversation.id, reply.seq, delivery('sent', { at: sentAt, platformId: 'wamid.1' }));
      expect(sent?.delivery).toEqual({ state: 'sent', at: sentAt, platformId: 'wamid.1', error: null });
      expect((await store().messages.setDelivery(conversation.id, reply.seq, delivery('delivered')))?.delivery).toMatchObject({ state: 'delivered', platformId: 'wamid.1' });
      const read = await store().messages.setDelivery(conversation.id, reply.seq, delivery('read'));
      expect(read).toMatchObject({ seq: reply.seq, activity: activity('reply'), delivery: { state: 'read', platformId: 'wamid.1', error: null } });
      expect((await store().messages.list(conversation.id))[0]).toEqual(read);
    });

    it('may skip states on the way, as a late or lost report does', async () => {
      const conversation = await someConversation(store());
      const reply = await pendingReply(store(), conversation.id);
      expect((await store().messages.setDelivery(conversation.id, reply.seq, delivery('read')))?.delivery?.state).toBe('read');
      const { message: unrecorded } = await store().messages.append(conversation.id, { direction: 'outgoing', author: bot, activity: activity('x') });
      expect((await store().messages.setDelivery(conversation.id, unrecorded.seq, delivery('delivered')))?.delivery?.state).toBe('delivered');
    });

    it('never moves a delivery backwards, nor rewrites the same state', async () => {
      const conversation = await someConversation(store());
      const reply = await pendingReply(store(), conversation.id);
      const readAt = new Date('2026-03-01T09:00:00Z');
      await store().messages.setDelivery(conversation.id, reply.seq, delivery('read', { at: readAt, platformId: 'wamid.2' }));
      for (const late of ['delivered', 'sent', 'pending', 'read'] as const) {
        const after = await store().messages.setDelivery(conversation.id, reply.seq, delivery(late, { platformId: 'wamid.other' }));
        expect(after?.delivery).toEqual({ state: 'read', at: readAt, platformId: 'wamid.2', error: null });
      }
      expect((await store().messages.list(conversation.id))[0]?.delivery?.state).toBe('read');
    });

    it('fails a pending or sent message with its error code, but not one already delivered', async () => {
      const conversation = await someConversation(store());
      const pending = await pendingReply(store(), conversation.id, 'one');
      const sent = await pendingReply(store(), conversation.id, 'two');
      const delivered = await pendingReply(store(), conversation.id, 'three');
      await store().messages.setDelivery(conversation.id, sent.seq, delivery('sent', { platformId: 'wamid.3' }));
      await store().messages.setDelivery(conversation.id, delivered.seq, delivery('delivered'));

      const failed = (seq: number) => store().messages.setDelivery(conversation.id, seq, delivery('failed', { error: 'WHATSAPP 131026' }));
      expect((await failed(pending.seq))?.delivery).toMatchObject({ state: 'failed', error: 'WHATSAPP 131026', platformId: null });
      expect((await failed(sent.seq))?.delivery).toMatchObject({ state: 'failed', error: 'WHATSAPP 131026', platformId: 'wamid.3' });
      expect((await failed(delivered.seq))?.delivery).toMatchObject({ state: 'delivered', error: null });
    });

    it('lets a failed message move on when a retried send gets through, but never back to pending', async () => {
      const conversation = await someConversation(store());
      const reply = await pendingReply(store(), conversation.id);
      await store().messages.setDelivery(conversation.id, reply.seq, delivery('failed', { error: 'TELEGRAM_SEND_FAILED 429' }));
      expect((await store().messages.setDelivery(conversation.id, reply.seq, delivery('pending')))?.delivery?.state).toBe('failed');
      expect((await store().messages.setDelivery(conversation.id, reply.seq, delivery('sent', { platformId: '77' })))?.delivery).toMatchObject({
        state: 'sent',
        platformId: '77',
        error: null,
      });
    });

    it('ends at the furthest state when reports arrive together', async () => {
      const conversation = await someConversation(store());
      const reply = await pendingReply(store(), conversation.id);
      const states: DeliveryState[] = ['delivered', 'read', 'sent', 'delivered', 'failed', 'sent'];
      await Promise.all(states.map((state) => store().messages.setDelivery(conversation.id, reply.seq, delivery(state))));
      expect((await store().messages.list(conversation.id))[0]?.delivery?.state).toBe('read');
    });

    it('answers null for a message that does not exist', async () => {
      const conversation = await someConversation(store());
      await pendingReply(store(), conversation.id);
      expect(await store().messages.setDelivery(conversation.id, 2, delivery('sent'))).toBeNull();
      expect(await store().messages.setDelivery('no-such-conversation', 1, delivery('sent'))).toBeNull();
    });

    it('finds an outgoing message by its platform id, only on conversations of the channel asked for', async () => {
      const onWhatsApp = await store().conversations.create({ channel: 'whatsapp', externalId: '966500000001' });
      const onTelegram = await store().conversations.create({ channel: 'telegram', externalId: '1001' });
      const whatsAppReply = await pendingReply(store(), onWhatsApp.id, 'on whatsapp');
      const telegramReply = await pendingReply(store(), onTelegram.id, 'on telegram');
      expect(await store().messages.findByPlatformId('whatsapp', 'same-id')).toBeNull();

      await store().messages.setDelivery(onWhatsApp.id, whatsAppReply.seq, delivery('sent', { platformId: 'same-id' }));
      await store().messages.setDelivery(onTelegram.id, telegramReply.seq, delivery('sent', { platformId: 'same-id' }));
      expect(await store().messages.findByPlatformId('whatsapp', 'same-id')).toMatchObject({ conversationId: onWhatsApp.id, seq: whatsAppReply.seq, activity: activity('on whatsapp') });
      expect(await store().messages.findByPlatformId('telegram', 'same-id')).toMatchObject({ conversationId: onTelegram.id, activity: activity('on telegram') });
      expect(await store().messages.findByPlatformId('webchat', 'same-id')).toBeNull();
      expect(await store().messages.findByPlatformId('whatsapp', 'other-id')).toBeNull();
    });

    it('looks among outgoing messages only', async () => {
      const conversation = await store().conversations.create({ channel: 'whatsapp', externalId: '966500000002' });
      await store().messages.append(conversation.id, {
        direction: 'incoming',
        author: { kind: 'beneficiary' },
        activity: activity('hi'),
        delivery: delivery('delivered', { platformId: 'wamid.in' }),
      });
      expect(await store().messages.findByPlatformId('whatsapp', 'wamid.in')).toBeNull();
    });
  });
}
