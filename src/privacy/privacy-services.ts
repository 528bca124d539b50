import type { ServiceRegistry } from '../bot/services.js';
import type { FlowSet } from '../flows/schema.js';
import { DEFAULT_LOCALE, type I18n, type Locale } from '../i18n/i18n.js';
import { CONSENT_REMOVED } from './consent-removed.js';
import { decidedReferences, eraseContactData, type CancelQueuedJobs, type ConversationExclusive } from './erase.js';
import { describeMyData } from './my-data.js';

export type PrivacyServiceDependencies = {
  i18n: I18n;
  /** The loaded flows (asked for when a service runs: services are named before the flows load). */
  flows: () => FlowSet;
  /** Removes queued jobs of erased conversations (see `CancelQueuedJobs`); absent: none are queued (tests, the CLI). */
  cancelJobs?: CancelQueuedJobs;
  /** Holds another conversation's turn lock while it is erased (see `EraseOptions.exclusive`); absent: tests, the CLI. */
  exclusive?: ConversationExclusive;
};

/**
 * The beneficiary's rights over their data, as flow services: see it (`describe_my_data`), have it
 * destroyed (`erasure_preview`, then `erase_my_data` once they confirm), withdraw consent
 * (`withdraw_consent`). Each works on the contact of the conversation only. Erasure and withdrawal
 * mark their result with `consent_removed`, so the bot also clears the conversation's engine state.
 */
export function createPrivacyServices(deps: PrivacyServiceDependencies): ServiceRegistry {
  const separator = (locale: Locale | null) => deps.i18n.t(locale ?? DEFAULT_LOCALE, 'privacy_rights.my_data.separator');
  return {
    async describe_my_data(_args, { store, turn }) {
      const locale = turn.state.locale ?? DEFAULT_LOCALE;
      if (!turn.contact) return { text: deps.i18n.t(locale, 'privacy_rights.my_data.none') };
      await store.audit.record({
        actor: `beneficiary:${turn.contact.id}`,
        action: 'privacy.viewed',
        subjectType: 'contact',
        subjectId: turn.contact.id,
        details: { channel: turn.conversation.channel },
      });
      return { text: await describeMyData(store, turn.contact.id, { i18n: deps.i18n, locale, flows: deps.flows() }) };
    },

    async erasure_preview(_args, { store, turn }) {
      const kept = turn.contact ? await decidedReferences(store, turn.contact.id) : [];
      return { kept_count: kept.length, kept: kept.join(separator(turn.state.locale)) };
    },

    async erase_my_data(_args, { store, turn }) {
      if (!turn.contact) return { [CONSENT_REMOVED]: true, kept_count: 0, kept: '' };
      const contactId = turn.contact.id;
      const { report, kept } = await eraseContactData(store, contactId, {
        ...(deps.cancelJobs ? { cancelJobs: deps.cancelJobs } : {}),
        ...(deps.exclusive ? { exclusive: deps.exclusive } : {}),
        within: turn.conversation.id,
      });
      await store.audit.record({ actor: `beneficiary:${contactId}`, action: 'privacy.erased', subjectType: 'contact', subjectId: contactId, details: { ...report } });
      turn.contact = await store.contacts.get(contactId);
      turn.log.info({ event: 'privacy.erased', ...report }, 'personal data erased at the beneficiary’s request');
      return { [CONSENT_REMOVED]: true, kept_count: kept.length, kept: kept.join(separator(turn.state.locale)) };
    },

    async withdraw_consent(_args, { store, turn }) {
      if (!turn.contact) return { [CONSENT_REMOVED]: true, had_consent: false };
      const hadConsent = turn.contact.consent !== null || turn.state.consent !== null;
      turn.contact = await store.contacts.update(turn.contact.id, { consent: null });
      await store.audit.record({
        actor: `beneficiary:${turn.contact.id}`,
        action: 'consent.withdrawn',
        subjectType: 'contact',
        subjectId: turn.contact.id,
        details: { channel: turn.conversation.channel, hadConsent },
      });
      turn.log.info({ event: 'consent.withdrawn', hadConsent }, 'consent withdrawn');
      return { [CONSENT_REMOVED]: true, had_consent: hadConsent };
    },
  };
}
