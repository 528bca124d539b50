/**
 * The behaviour every Store implementation must show. Each implementation's test file calls
 * describeStoreContract with a factory; every test gets a fresh, empty store.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/types.js';
import { bookingContract } from './contract/bookings.js';
import { auditContract, handoffContract, surveyContract } from './contract/casework.js';
import { conversationContract, messageContract } from './contract/conversations.js';
import { deliveryContract } from './contract/delivery.js';
import { erasureContract } from './contract/erasure.js';
import { feedbackContract } from './contract/feedback.js';
import { fileContract } from './contract/files.js';
import { someConversation } from './contract/helpers.js';
import { contactContract, staffContract } from './contract/people.js';
import { retentionContract } from './contract/retention.js';
import { supportRequestContract } from './contract/support-requests.js';
import { contactPreferencesContract, surveyFollowUpContract } from './contract/surveys-preferences.js';
import { volunteerContract } from './contract/volunteers.js';

export function describeStoreContract(name: string, makeStore: () => Promise<Store>, cleanup?: () => Promise<void>): void {
  describe(`${name} store contract`, () => {
    let current: Store | undefined;
    const store = (): Store => {
      if (!current) throw new Error('the store is only available inside a test');
      return current;
    };

    beforeEach(async () => {
      current = await makeStore();
    });
    afterEach(async () => {
      await current?.close();
      current = undefined;
      await cleanup?.();
    });

    it('answers a ping', async () => {
      await expect(store().ping()).resolves.toBeUndefined();
    });

    it('keeps Date fields as Date objects', async () => {
      const tokenExpiresAt = new Date('2026-05-01T12:00:00.123Z');
      const conversation = await store().conversations.create({ channel: 'directline', externalId: 'd', tokenExpiresAt });
      const contact = await store().contacts.create({ locale: 'ar', displayName: null });
      await store().contacts.update(contact.id, { consent: { version: 'v1', at: tokenExpiresAt, channel: 'directline' } });
      const handoff = await store().handoffs.create({ conversationId: conversation.id, contactId: contact.id, reason: 'r' });
      await store().handoffs.update(handoff.id, { claimedAt: tokenExpiresAt });

      const readConversation = await store().conversations.get(conversation.id);
      const readContact = await store().contacts.get(contact.id);
      const readHandoff = await store().handoffs.get(handoff.id);
      for (const value of [readConversation?.createdAt, readConversation?.tokenExpiresAt, readContact?.consent?.at, readHandoff?.claimedAt]) {
        expect(value).toBeInstanceOf(Date);
      }
      expect(readConversation?.tokenExpiresAt?.getTime()).toBe(tokenExpiresAt.getTime());
      expect(readContact?.consent?.at.getTime()).toBe(tokenExpiresAt.getTime());
    });

    it('keeps its own copy of what it was given', async () => {
      const conversation = await someConversation(store());
      const state = { step: 1 };
      const updated = await store().conversations.update(conversation.id, { state });
      state.step = 99;
      expect(updated.state).toEqual({ step: 1 });
      expect((await store().conversations.get(conversation.id))?.state).toEqual({ step: 1 });
    });

    contactContract(store);
    conversationContract(store);
    messageContract(store);
    deliveryContract(store);
    supportRequestContract(store);
    handoffContract(store);
    surveyContract(store);
    contactPreferencesContract(store);
    surveyFollowUpContract(store);
    staffContract(store);
    auditContract(store);
    fileContract(store);
    bookingContract(store);
    volunteerContract(store);
    feedbackContract(store);
    erasureContract(store);
    retentionContract(store);
  });
}
