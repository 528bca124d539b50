import type { ServiceRegistry } from '../bot/services.js';
import type { FeedbackRecord, VolunteerField, VolunteerRecord } from '../store/types.js';
import { isOneOf, VOLUNTEER_FIELDS } from '../store/record-values.js';

export type CommunityServiceDependencies = {
  /** A volunteer registered or feedback arrived (the console hears it). */
  onVolunteer?: (volunteer: VolunteerRecord) => Promise<void>;
  onFeedback?: (feedback: FeedbackRecord) => Promise<void>;
};

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);

/**
 * The volunteering and suggestions/complaints services: each stores what the flow gathered
 * (`$answers`, the answers on the path taken) and audits it; the console lists them for staff.
 */
export function createCommunityServices(deps: CommunityServiceDependencies = {}): ServiceRegistry {
  return {
    async register_volunteer(args, { store, turn }) {
      const answers = (args.answers ?? {}) as Record<string, unknown>;
      const name = text(answers.name);
      const phone = text(answers.phone);
      const city = text(answers.city);
      const field = answers.field;
      const availability = text(answers.availability);
      if (!name || !phone || !city || !availability || !isOneOf<VolunteerField>(VOLUNTEER_FIELDS, field)) return { registered: false };
      const volunteer = await store.volunteers.create({
        contactId: turn.contact?.id ?? null,
        conversationId: turn.conversation.id,
        channel: turn.conversation.channel,
        name,
        phone,
        city,
        field,
        fieldDetails: field === 'other' ? text(answers.field_details) : null,
        availability,
      });
      await store.audit.record({
        actor: turn.contact ? `beneficiary:${turn.contact.id}` : 'system',
        action: 'volunteer.registered',
        subjectType: 'volunteer',
        subjectId: volunteer.id,
        details: { field: volunteer.field, city: volunteer.city, channel: volunteer.channel },
      });
      turn.log.info({ event: 'volunteer.registered', volunteerId: volunteer.id }, 'volunteer registered');
      await deps.onVolunteer?.(volunteer).catch((error: unknown) => turn.log.error({ err: error, event: 'volunteer.notice_failed' }, 'could not announce a volunteer'));
      return { registered: true };
    },

    async submit_feedback(args, { store, turn }) {
      const answers = (args.answers ?? {}) as Record<string, unknown>;
      const kind = answers.kind === 'complaint' ? 'complaint' : answers.kind === 'suggestion' ? 'suggestion' : null;
      const category = text(answers.category);
      const body = text(answers.text);
      if (!kind || !category || !body) return { submitted: false };
      const feedback = await store.feedback.create({
        contactId: turn.contact?.id ?? null,
        conversationId: turn.conversation.id,
        channel: turn.conversation.channel,
        kind,
        category,
        text: body,
      });
      await store.audit.record({
        actor: turn.contact ? `beneficiary:${turn.contact.id}` : 'system',
        action: `feedback.${kind}_received`,
        subjectType: 'feedback',
        subjectId: feedback.id,
        details: { reference: feedback.reference, category, channel: feedback.channel },
      });
      turn.log.info({ event: 'feedback.received', feedbackId: feedback.id, kind }, 'feedback received');
      await deps.onFeedback?.(feedback).catch((error: unknown) => turn.log.error({ err: error, event: 'feedback.notice_failed' }, 'could not announce feedback'));
      return { submitted: true, reference: feedback.reference };
    },
  };
}
